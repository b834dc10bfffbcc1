// A cash deposit at La Banque Postale: the notes and coins put in the sealed bags, counted by
// denomination with the till's grid, each bag's number, and the deposit recorded as the
// versement that takes the cash out of the till. The core checks the cash held and the bags;
// its refusals and warnings are shown as they are. Past deposits can be printed again.
import { useEffect, useState } from 'react';
import { Alert, Button, Group, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import {
  denominations,
  type CashDepositView,
  type CashPosition,
  type DenominationKey,
} from '../../../shared/contract';
import {
  movementSourceLabels,
  movementSources,
  type MovementSource,
} from '../../../shared/contract/till';
import { formatEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { emptyCounts, liveTotal, readCounts, type CountFields } from '../till/cash-count';
import { DenominationGrid } from '../till/denomination-grid';
import { useCommandId } from '../till/use-command-id';
import { depositMessages as m, parisShort } from './messages';
import { useDocument } from './use-document';

interface Props {
  regie: CashPosition;
  tillOpen: boolean;
  onRecorded(): void;
}

const noteKeys = new Set<DenominationKey>(
  denominations.filter((d) => d.cents >= 500).map((d) => d.key),
);

/** The live subtotals of the notes' bag and of the coins' bag. */
function split(fields: CountFields): { notes: number; coins: number } {
  const only = (notes: boolean) =>
    liveTotal(
      Object.fromEntries(
        denominations.map((d) => [d.key, noteKeys.has(d.key) === notes ? fields[d.key] : '']),
      ) as CountFields,
    );
  return { notes: only(true), coins: only(false) };
}

export function CashDepositSection({ regie, tillOpen, onRecorded }: Props) {
  const { call } = useGuichet();
  const [fields, setFields] = useState(emptyCounts);
  const [invalid, setInvalid] = useState<DenominationKey[]>([]);
  const [notesBag, setNotesBag] = useState('');
  const [coinsBag, setCoinsBag] = useState('');
  // The cash of a deposit made the next morning comes from the safe, where each closing put the
  // day's takings; a deposit made before closing comes from the drawer.
  const [source, setSource] = useState<MovementSource>('coffre');
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ text: string; warnings: string[] } | null>(null);
  const [sending, setSending] = useState(false);
  const [history, setHistory] = useState<CashDepositView[]>([]);
  const [attempt, setAttempt] = useState(0);
  const { doc, show } = useDocument();
  const commandIdFor = useCommandId();
  const parts = split(fields);

  useEffect(() => {
    let cancelled = false;
    void call('deposits.cashDeposits', { regieId: regie.regieId, limit: 20 }).then((r) => {
      if (!cancelled && r.ok) setHistory(r.value);
    });
    return () => {
      cancelled = true;
    };
  }, [call, regie.regieId, attempt]);

  const notesBagError =
    checked && parts.notes > 0 && notesBag.trim() === ''
      ? m.bagNeeded
      : checked && parts.notes === 0 && notesBag.trim() !== ''
        ? m.bagUnneeded
        : null;
  const coinsBagError =
    checked && parts.coins > 0 && coinsBag.trim() === ''
      ? m.bagNeeded
      : checked && parts.coins === 0 && coinsBag.trim() !== ''
        ? m.bagUnneeded
        : null;

  async function submit() {
    if (sending) return;
    setChecked(true);
    const read = readCounts(fields);
    setInvalid(read.ok ? [] : read.invalid);
    if (!read.ok) {
      setError(m.countsInvalid);
      return;
    }
    const content = {
      regieId: regie.regieId,
      counts: read.counts,
      ...(notesBag.trim() ? { notesBag: notesBag.trim() } : {}),
      ...(coinsBag.trim() ? { coinsBag: coinsBag.trim() } : {}),
      source,
    };
    setError(null);
    setDone(null);
    setSending(true);
    const r = await call('deposits.cashDeposit', { commandId: commandIdFor(content), ...content });
    setSending(false);
    if (!r.ok) {
      setError(r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message);
      return;
    }
    const dep = r.value.deposit;
    setDone({ text: m.cashDone(dep.number, dep.totalCents), warnings: r.value.warnings });
    setFields(emptyCounts());
    setNotesBag('');
    setCoinsBag('');
    setChecked(false);
    show(() => call('deposits.cashDepositPdf', { depositId: dep.depositId }));
    setAttempt((n) => n + 1);
    onRecorded();
  }

  return (
    <Stack gap="lg">
      <form
        noValidate
        aria-labelledby="titre-depot-especes"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Title order={2} fz="xl" id="titre-depot-especes">
            {m.cashTitle}
          </Title>
          <Text fz="sm" c="dark.6">
            {m.cashHelp}
          </Text>
          <Text fw={600} data-testid="cash-deposit-held">
            {m.cashHeld(regie.posteCashHeldCents)}
          </Text>
          {!tillOpen && (
            <Alert color="orange" variant="outline" data-testid="cash-deposit-no-till">
              {m.noTill}
            </Alert>
          )}
          <Radio.Group
            label={m.sourceLabel}
            description={m.sourceHelp}
            value={source}
            onChange={(v) => setSource(v as MovementSource)}
          >
            <Group gap="lg" mt={6}>
              {movementSources.map((s) => (
                <Radio
                  key={s}
                  value={s}
                  label={movementSourceLabels[s]}
                  data-testid={`cash-deposit-source-${s}`}
                />
              ))}
            </Group>
          </Radio.Group>
          <DenominationGrid
            idPrefix="cash-deposit"
            fields={fields}
            invalid={invalid}
            onChange={setFields}
            onDone={() => document.getElementById('cash-deposit-notes-bag')?.focus()}
          />
          <Group gap="xl" align="flex-start" wrap="wrap">
            <Stack gap={4}>
              <Text fw={600}>
                {m.notesSubtotal} : {formatEuro(parts.notes)}
              </Text>
              <TextInput
                id="cash-deposit-notes-bag"
                label={m.notesBag}
                description={m.bagHelp}
                data-testid="cash-deposit-notes-bag"
                w={280}
                value={notesBag}
                error={notesBagError}
                onChange={(e) => setNotesBag(e.currentTarget.value)}
              />
            </Stack>
            <Stack gap={4}>
              <Text fw={600}>
                {m.coinsSubtotal} : {formatEuro(parts.coins)}
              </Text>
              <TextInput
                label={m.coinsBag}
                description={m.bagHelp}
                data-testid="cash-deposit-coins-bag"
                w={280}
                value={coinsBag}
                error={coinsBagError}
                onChange={(e) => setCoinsBag(e.currentTarget.value)}
              />
            </Stack>
          </Group>
          {error && (
            <Alert color="red" variant="outline" role="alert" data-testid="cash-deposit-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" variant="outline" role="status" data-testid="cash-deposit-done">
              <Text fw={700}>{done.text}</Text>
            </Alert>
          )}
          {done?.warnings.map((w) => (
            <Alert key={w} color="orange" variant="outline" data-testid="cash-deposit-warning">
              {w}
            </Alert>
          ))}
          <div>
            <Button type="submit" size="md" loading={sending} data-testid="cash-deposit-submit">
              {m.cashSubmit}
            </Button>
          </div>
        </Stack>
      </form>

      {(doc.file || doc.busy || doc.error) && (
        <ReceiptViewer
          file={doc.file}
          busy={doc.busy}
          error={doc.error}
          downloadLabel={m.cashDownload}
        />
      )}

      <Stack gap="sm">
        <Title order={2} fz="xl">
          {m.cashHistoryTitle}
        </Title>
        {history.length === 0 ? (
          <Text c="dark.6">{m.noCashHistory}</Text>
        ) : (
          <Table withTableBorder fz="md" data-testid="cash-deposit-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.colDeposit}</Table.Th>
                <Table.Th>{m.colDepositedAt}</Table.Th>
                <Table.Th>{m.colBags}</Table.Th>
                <Table.Th ta="right">{m.colTotal}</Table.Th>
                <Table.Th>{m.colPdf}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.map((d) => (
                <Table.Tr key={d.depositId}>
                  <Table.Td fw={700}>{d.number}</Table.Td>
                  <Table.Td>
                    {parisShort(d.depositedAt)} — {d.agent}
                  </Table.Td>
                  <Table.Td>{m.bags(d.notesBag, d.coinsBag)}</Table.Td>
                  <Table.Td ta="right">{formatEuro(d.totalCents)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="outline"
                      aria-label={m.pdfOf(d.number)}
                      onClick={() =>
                        show(() => call('deposits.cashDepositPdf', { depositId: d.depositId }))
                      }
                    >
                      {m.pdf}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Stack>
  );
}
