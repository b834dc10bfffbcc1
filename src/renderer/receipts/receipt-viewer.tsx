// A receipt as the payer will get it: the link that saves the PDF for printing, and the PDF
// itself drawn on screen. The preview is decoration for
// sighted agents; the same facts are written out as text by the screen that shows it.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconPrinter } from '@tabler/icons-react';
import type { ReceiptFile } from '../../shared/contract';
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
}

type Drawing = { file: ReceiptFile; state: 'done' | 'failed' };

export function ReceiptViewer({ file, busy, error, downloadLabel }: Props) {
  const canvasHost = useRef<HTMLDivElement>(null);
  const [drawing, setDrawing] = useState<Drawing | null>(null);

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

  const drawn = drawing?.file === file ? drawing.state : null;
  return (
    <Stack gap="sm" data-testid="receipt-viewer">
      <Group gap="sm" wrap="wrap">
        {file && !busy && (
          <Button
            component="a"
            href={`data:application/pdf;base64,${file.pdfBase64}`}
            download={file.fileName}
            leftSection={<IconPrinter aria-hidden size={18} />}
            variant="outline"
            data-testid="receipt-download"
          >
            {downloadLabel ?? m.open}
          </Button>
        )}
      </Group>
      {file && !busy && (
        <Text fz="sm" c="dark.6">
          {m.openHelp}
        </Text>
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
