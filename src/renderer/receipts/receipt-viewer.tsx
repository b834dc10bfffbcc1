// A document as the payer or the office will get it: the actions that print it on this
// counter's printer or save the PDF, and the PDF itself drawn on screen. The preview is
// decoration for sighted agents; the same facts are written out as text by the screen that
// shows it.
//
// A failed print never loses the document: it stays on screen, with the reason, a retry and the
// save button. An original receipt is printed once: after a print that may have put paper out
// (even a failed one), printing again goes through `onDuplicata`, which asks the core for a
// DUPLICATA — journaled — instead of a second original.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconDownload, IconPrinter } from '@tabler/icons-react';
import type { ReceiptFile } from '../../shared/contract';
import { isDesktop, type PrintFailureCode, type PrintKind } from '../desktop/shell-bridge';
import { printingMessages as pm } from '../printing/messages';
import { nothingPrinted, printDocument, type PrintResult } from '../printing/print-document';
import { base64ToBytes, drawPdf } from './pdf-preview';
import { receiptMessages as m } from './messages';

interface Props {
  file: ReceiptFile | null;
  /** True while the receipt is being made (first print or another layout). */
  busy: boolean;
  /** Shown instead of the preview when there is no file to show. */
  error?: string | null;
  /** The save button's text, for documents other than a receipt (the Z report). */
  downloadLabel?: string;
  /** The printer: receipt printer for 'ticket', A4 printer otherwise. Read from the PDF if absent. */
  printKind?: PrintKind;
  /**
   * Given when `file` is an original receipt: once a print may have produced it, a new copy is
   * asked through this function (a DUPLICATA from the core), never printed from this file.
   */
  onDuplicata?: () => void;
  /** Prints as soon as the file is shown (a duplicata asked by « Réessayer l'impression »). */
  autoPrint?: boolean;
}

type Drawing = { file: ReceiptFile; state: 'done' | 'failed' };

type Printing =
  | { file: ReceiptFile; state: 'printing' }
  | { file: ReceiptFile; state: 'done'; result: Extract<PrintResult, { ok: true }> }
  | { file: ReceiptFile; state: 'failed'; code: PrintFailureCode; message: string };

export function ReceiptViewer({
  file,
  busy,
  error,
  downloadLabel,
  printKind,
  onDuplicata,
  autoPrint,
}: Props) {
  const canvasHost = useRef<HTMLDivElement>(null);
  const [drawing, setDrawing] = useState<Drawing | null>(null);
  const [printing, setPrinting] = useState<Printing | null>(null);
  // Originals that may be on paper already, kept while the panel switches to a duplicata and back.
  const [spent, setSpent] = useState<ReadonlySet<ReceiptFile>>(() => new Set());
  const autoPrinted = useRef<ReceiptFile | null>(null);

  useEffect(() => {
    const host = canvasHost.current;
    if (!file || !host) return;
    const abort = new AbortController();
    drawPdf(base64ToBytes(file.pdfBase64), host, abort.signal).then(
      (pages) => {
        if (!abort.signal.aborted) setDrawing({ file, state: pages > 0 ? 'done' : 'failed' });
      },
      () => {
        if (!abort.signal.aborted) setDrawing({ file, state: 'failed' });
      },
    );
    return () => abort.abort();
  }, [file]);

  /** Called straight from the click: in browser mode the PDF's tab must open at once. */
  function print(target: ReceiptFile): void {
    const pending = printDocument(target, printKind ?? 'auto');
    setPrinting({ file: target, state: 'printing' });
    const original = onDuplicata !== undefined;
    void pending.then((result) => {
      setPrinting(
        result.ok
          ? { file: target, state: 'done', result }
          : { file: target, state: 'failed', code: result.code, message: result.message },
      );
      if (original && !nothingPrinted(result)) setSpent((s) => new Set(s).add(target));
    });
  }

  useEffect(() => {
    // Browsers only open the PDF's tab during a click: automatic printing is for the desktop.
    if (!autoPrint || !file || busy || autoPrinted.current === file || !isDesktop()) return;
    autoPrinted.current = file;
    print(file);
  });

  const drawn = drawing?.file === file ? drawing.state : null;
  const current = printing?.file === file ? printing : null;
  const inProgress = current?.state === 'printing';
  // An original may already be on paper: after a success, or a failure of the printer itself.
  const originalUsed = onDuplicata !== undefined && file !== null && spent.has(file);

  let printButton: { label: string; run: () => void } | null = null;
  if (file && !busy && !inProgress) {
    if (originalUsed) {
      printButton = {
        label: current?.state === 'failed' ? pm.retryDuplicata : pm.reprintDuplicata,
        run: onDuplicata,
      };
    } else {
      const label =
        current?.state === 'failed'
          ? pm.retry
          : current?.state === 'done'
            ? pm.printAgain
            : pm.print;
      printButton = { label, run: () => print(file) };
    }
  }

  return (
    <Stack gap="sm" data-testid="receipt-viewer">
      <Group gap="sm" wrap="wrap">
        {printButton && (
          <Button
            leftSection={<IconPrinter aria-hidden size={18} />}
            onClick={printButton.run}
            data-testid="receipt-print"
          >
            {printButton.label}
          </Button>
        )}
        {file && !busy && inProgress && (
          <Button
            leftSection={<Loader size={16} aria-hidden />}
            disabled
            data-testid="receipt-print"
          >
            {pm.printing}
          </Button>
        )}
        {file && !busy && (
          <Button
            component="a"
            href={`data:application/pdf;base64,${file.pdfBase64}`}
            download={file.fileName}
            leftSection={<IconDownload aria-hidden size={18} />}
            variant="outline"
            data-testid="receipt-download"
          >
            {downloadLabel ?? pm.save}
          </Button>
        )}
      </Group>
      {file && !busy && !current && (
        <Text fz="sm" c="dark.6">
          {pm.help}
        </Text>
      )}
      {current?.state === 'done' && (
        <Text fz="sm" role="status" data-testid="receipt-print-status">
          {current.result.where === 'printer'
            ? pm.sent(current.result.printer)
            : pm.openedInBrowser}
          {onDuplicata ? ` ${pm.originalPrintedNote}` : ''}
        </Text>
      )}
      {current?.state === 'failed' && (
        <Alert color="orange" variant="outline" role="alert" data-testid="receipt-print-status">
          <Stack gap={4}>
            <Text fz="sm">{current.message}</Text>
            <Text fz="sm">{pm.keptAfterFailure}</Text>
            {originalUsed && <Text fz="sm">{pm.duplicataNote}</Text>}
          </Stack>
        </Alert>
      )}
      {busy && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text>{m.preparing}</Text>
        </Group>
      )}
      {!busy && !file && error && (
        <Alert color="red" variant="outline" role="alert">
          {error}
        </Alert>
      )}
      {file && drawn === 'failed' && (
        <Alert color="orange" variant="outline" role="status">
          {m.previewFailed}
        </Alert>
      )}
      {file && drawn === null && !busy && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text fz="sm">{m.drawing}</Text>
        </Group>
      )}
      <div
        ref={canvasHost}
        className="receipt-preview"
        role="img"
        aria-label={file ? m.previewLabel(file.fileName) : undefined}
        hidden={!file || busy || drawn !== 'done'}
        data-testid="receipt-preview"
        data-drawn={drawn ?? 'pending'}
      />
    </Stack>
  );
}
