// The receipt of an operation just recorded: the original, made once by the core with the
// recording, in the poste's layout; and, on request, a DUPLICATA in either layout (the payer
// wants A5 rather than the ticket, or the original never reached the screen because the answer
// was lost). A duplicata is journaled by the core, so each layout is asked once per screen: its
// commandId is drawn on the first click and a second click shows the same file.
import { useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { receiptLayouts, type ReceiptFile, type ReceiptLayout } from '../../shared/contract';
import { useGuichet } from '../guichet-context';
import { receiptMessages as m } from './messages';
import { ReceiptViewer } from './receipt-viewer';

interface Props {
  paymentId: number;
  kind: 'paiement' | 'annulation';
  /** Null when the core made none: a replay, or a print that failed (see `notice`). */
  original: ReceiptFile | null;
  originalLayout: ReceiptLayout;
  /** Why there is no original, or the core's warning; shown above the receipt. */
  notice: string | null;
}

type Duplicata = { commandId: string; file: ReceiptFile | null; error: string | null };
/** What the viewer shows: the original, a duplicata, or nothing yet (no original). */
type Shown = 'original' | ReceiptLayout | null;

export function ReceiptPanel({ paymentId, kind, original, originalLayout, notice }: Props) {
  const { call } = useGuichet();
  const [shown, setShown] = useState<Shown>(original ? 'original' : null);
  const [duplicatas, setDuplicatas] = useState<Partial<Record<ReceiptLayout, Duplicata>>>({});
  // The duplicata asked by « Réessayer l'impression » on the original prints as soon as it comes.
  const [printOnArrival, setPrintOnArrival] = useState<ReceiptLayout | null>(null);
  const asked = useRef(new Set<ReceiptLayout>());

  async function showDuplicata(layout: ReceiptLayout) {
    setShown(layout);
    if (asked.current.has(layout)) return;
    asked.current.add(layout);
    const commandId = crypto.randomUUID();
    setDuplicatas((d) => ({ ...d, [layout]: { commandId, file: null, error: null } }));
    const r = await call('payments.receipt', { commandId, paymentId, layout, kind });
    setDuplicatas((d) => ({
      ...d,
      [layout]: { commandId, file: r.ok ? r.value : null, error: r.ok ? null : r.error.message },
    }));
    // A refusal may be retried with a new click (and a new command: nothing was recorded).
    if (!r.ok) asked.current.delete(layout);
  }

  const duplicata = shown === 'original' || shown === null ? null : (duplicatas[shown] ?? null);
  const file = shown === 'original' ? original : (duplicata?.file ?? null);
  const busy = duplicata !== null && !duplicata.file && !duplicata.error;
  // Without an original both layouts are offered as duplicatas; with one, only the other layout,
  // until a duplicata of the original's own layout was asked (its print was retried).
  const duplicataLayouts = receiptLayouts.filter(
    (l) => !original || l !== originalLayout || duplicatas[l] !== undefined,
  );
  const printKindOf = (layout: ReceiptLayout) => (layout === 'ticket' ? 'ticket' : 'a4');
  return (
    <Stack gap="sm">
      {notice && (
        <Alert color="orange" variant="outline" role="status" data-testid="receipt-notice">
          {notice}
        </Alert>
      )}
      <Group gap={6} role="group" aria-label={m.choiceLabel}>
        {original && (
          <Button
            variant={shown === 'original' ? 'filled' : 'default'}
            aria-pressed={shown === 'original'}
            onClick={() => setShown('original')}
          >
            {m.originalIn(m.layouts[originalLayout])}
          </Button>
        )}
        {duplicataLayouts.map((l) => (
          <Button
            key={l}
            variant={shown === l ? 'filled' : 'default'}
            aria-pressed={shown === l}
            onClick={() => void showDuplicata(l)}
            data-testid={`duplicata-${l}`}
          >
            {m.duplicataIn(m.layouts[l])}
          </Button>
        ))}
      </Group>
      {(shown !== 'original' || !original) && (
        <Text fz="sm" c="dark.6">
          {m.duplicataNote}
        </Text>
      )}
      {(shown === 'original' || duplicata) && (
        <ReceiptViewer
          file={file}
          busy={busy}
          error={shown === 'original' ? m.noOriginal : (duplicata?.error ?? null)}
          printKind={printKindOf(shown === 'original' || shown === null ? originalLayout : shown)}
          onDuplicata={
            shown === 'original'
              ? () => {
                  setPrintOnArrival(originalLayout);
                  void showDuplicata(originalLayout);
                }
              : undefined
          }
          autoPrint={shown !== 'original' && shown !== null && printOnArrival === shown}
        />
      )}
    </Stack>
  );
}
