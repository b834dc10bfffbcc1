// The card remittance summary for a period: per till session, the card payments recorded (net
// of cancellations) against the terminal's batch total entered at closing, and its PDF.
import { useState } from 'react';
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { CashPosition, RemittanceSummary } from '../../../shared/contract';
import { parisDate } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { depositMessages as m, parisShort } from './messages';
import { useDocument } from './use-document';

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

export function CardSummarySection({ regies }: { regies: readonly CashPosition[] }) {
  const { call } = useGuichet();
  const today = parisDate(new Date());
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [regieId, setRegieId] = useState<number | null>(null);
  const [summary, setSummary] = useState<RemittanceSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const { doc, show } = useDocument();

  const args = () => ({ from, to, ...(regieId === null ? {} : { regieId }) });

  async function load() {
    if (!isDate(from) || !isDate(to)) {
      setError(m.datesInvalid);
      return;
    }
    setError(null);
    setLoading(true);
    const r = await call('deposits.cardSummary', args());
    setLoading(false);
    if (!r.ok) {
      setError(r.error.message);
      setSummary(null);
      return;
    }
    setSummary(r.value);
  }

  return (
    <Stack gap="md">
      <Title order={2} fz="xl">
        {m.cardTitle}
      </Title>
      <Text fz="sm" c="dark.6">
        {m.cardHelp}
      </Text>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            type="date"
            label={m.from}
            data-testid="card-from"
            size="md"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            type="date"
            label={m.to}
            data-testid="card-to"
            size="md"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
          />
          <NativeSelect
            label={m.regie}
            data-testid="card-regie"
            size="md"
            value={regieId === null ? '' : String(regieId)}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setRegieId(v === '' ? null : Number(v));
            }}
            data={[
              { value: '', label: m.allRegies },
              ...regies.map((r) => ({ value: String(r.regieId), label: r.regieName })),
            ]}
          />
          <Button type="submit" size="md" loading={loading} data-testid="card-show">
            {m.show}
          </Button>
          <Button
            variant="outline"
            size="md"
            disabled={!isDate(from) || !isDate(to)}
            onClick={() => show(() => call('deposits.cardSummaryPdf', args()))}
            data-testid="card-pdf"
          >
            {m.cardPdf}
          </Button>
        </Group>
      </form>
      {error && (
        <Alert color="red" variant="outline" role="alert" data-testid="card-error">
          {error}
        </Alert>
      )}
      {summary &&
        (summary.sessions.length === 0 ? (
          <Text c="dark.6">{m.noCard}</Text>
        ) : (
          <>
            <Table withTableBorder fz="md" data-testid="card-sessions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{m.colSession}</Table.Th>
                  <Table.Th>{m.colPoste}</Table.Th>
                  <Table.Th>{m.colOpened}</Table.Th>
                  <Table.Th>{m.colClosed}</Table.Th>
                  <Table.Th ta="right">{m.colCount}</Table.Th>
                  <Table.Th ta="right">{m.colNet}</Table.Th>
                  <Table.Th ta="right">{m.colBatch}</Table.Th>
                  <Table.Th ta="right">{m.colDifference}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {summary.sessions.map((s) => (
                  <Table.Tr key={s.sessionId}>
                    <Table.Td>{s.sessionId}</Table.Td>
                    <Table.Td>{s.posteCode}</Table.Td>
                    <Table.Td>{parisShort(s.openedAt)}</Table.Td>
                    <Table.Td>{s.closedAt ? parisShort(s.closedAt) : m.stillOpen}</Table.Td>
                    <Table.Td ta="right">{s.paymentCount}</Table.Td>
                    <Table.Td ta="right">{formatEuro(s.netCents)}</Table.Td>
                    <Table.Td ta="right">
                      {s.batchCents === null ? '—' : formatEuro(s.batchCents)}
                    </Table.Td>
                    <Table.Td
                      ta="right"
                      c={s.differenceCents ? 'red.8' : undefined}
                      fw={s.differenceCents ? 700 : 400}
                    >
                      {s.differenceCents ? formatEuro(s.differenceCents) : '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text fw={700}>
              {m.cardTotal(
                summary.paymentCount,
                summary.netCents,
                summary.batchCents,
                summary.differenceCents,
              )}
            </Text>
          </>
        ))}
      {(doc.file || doc.busy || doc.error) && (
        <ReceiptViewer
          file={doc.file}
          busy={doc.busy}
          error={doc.error}
          downloadLabel={m.cardPdf}
        />
      )}
    </Stack>
  );
}
