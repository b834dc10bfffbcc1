// The report on screen, one component per kind: the same figures as the exported files, in
// tables with large amounts and a totals line.
import type { ReactNode } from 'react';
import { Alert, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type {
  BalancesReport,
  CashSituation,
  CreditsReport,
  PeriodTotals,
  ReceiptJournal,
  TotalsLine,
} from '../../../shared/contract';
import { formatDate, formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { paymentModeLabels } from '../../../shared/payment-modes';
import { reportMessages as m } from './messages';

interface Column {
  label: string;
  amount?: boolean;
  /** Kept on one line (receipt numbers, dates). */
  nowrap?: boolean;
}

/** A table with a header row, the rows, and an optional bold totals row. */
function ReportTable({
  label,
  columns,
  rows,
  total,
  testId,
}: {
  label: string;
  columns: Column[];
  rows: { key: string | number; cells: ReactNode[] }[];
  total?: ReactNode[];
  testId: string;
}) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={900}>
        <Table
          className="invoice-table"
          verticalSpacing="xs"
          horizontalSpacing="sm"
          striped
          aria-label={label}
          data-testid={testId}
        >
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.label} className={c.amount ? 'amount' : undefined}>
                  {c.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                {r.cells.map((cell, i) => (
                  <Table.Td
                    key={columns[i]?.label ?? i}
                    className={columns[i]?.amount ? 'amount' : undefined}
                    fw={columns[i]?.amount ? 600 : undefined}
                    fz={columns[i]?.amount ? 'md' : 'sm'}
                    style={columns[i]?.nowrap ? { whiteSpace: 'nowrap' } : undefined}
                  >
                    {cell}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
          {total && (
            <Table.Tfoot>
              <Table.Tr data-testid={`${testId}-total`}>
                {total.map((cell, i) => (
                  <Table.Th
                    key={columns[i]?.label ?? i}
                    className={columns[i]?.amount ? 'amount' : undefined}
                    fz="lg"
                  >
                    {cell}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Tfoot>
          )}
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div>
      <Text fz="sm" c="dark.6">
        {label}
      </Text>
      <Text fz={28} fw={700} className="amount" ta="left" data-testid={testId}>
        {formatEuro(value)}
      </Text>
    </div>
  );
}

function Truncated({ shown, total }: { shown: number; total: number }) {
  if (shown >= total) return null;
  return (
    <Text fz="sm" c="dark.7" role="status">
      {m.truncated(shown, total)}
    </Text>
  );
}

export function ReceiptsView({ j }: { j: ReceiptJournal }) {
  const c = m.receipts.columns;
  return (
    <Stack gap="md">
      <Text fw={600}>{m.receipts.summary(j.paymentCount)}</Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label={m.receipts.collected} value={j.collectedCents} testId="report-collected" />
        <Figure label={m.receipts.cancelled} value={-j.cancelledCents} testId="report-cancelled" />
        <Figure label={m.receipts.net} value={j.netCents} testId="report-net" />
      </SimpleGrid>
      <Text fz="sm" c="dark.7">
        {m.receipts.rule}
      </Text>
      {j.sequences
        .filter((s) => s.missing > 0)
        .map((s) => (
          <Alert key={`${s.regieCode}-${s.posteCode}-${s.year}`} color="orange" variant="outline">
            {m.receipts.missing(s.missing, `${s.regieCode}-${s.posteCode}-${s.year}`)}
          </Alert>
        ))}
      <Truncated shown={j.rows.length} total={j.totalRows} />
      {j.rows.length > 0 && (
        <ReportTable
          label={m.tableLabel(m.kinds.recus)}
          testId="report-table"
          columns={[
            { label: c.number, nowrap: true },
            { label: c.date, nowrap: true },
            { label: c.family },
            { label: c.mode },
            { label: c.amount, amount: true },
            { label: c.invoices },
            { label: c.agent },
            { label: c.cancellation },
          ]}
          rows={j.rows.map((r) => ({
            key: r.paymentId,
            cells: [
              <span className="code" key="n">
                {r.receiptNumber}
              </span>,
              formatInstant(r.recordedAt),
              `${r.familyCode} ${r.familyName}`,
              paymentModeLabels[r.mode],
              formatEuro(r.amountCents),
              [
                ...r.invoices,
                ...(r.creditCents > 0 ? [m.receipts.credit(formatEuro(r.creditCents))] : []),
              ].join(', '),
              r.agent,
              r.cancelled
                ? m.receipts.cancelledOn(
                    formatInstant(r.cancelled.at),
                    r.cancelled.agent,
                    r.cancelled.reason,
                    r.cancelled.inPeriod,
                  )
                : '',
            ],
          }))}
          total={[m.total, '', '', '', formatEuro(j.collectedCents), '', '', '']}
        />
      )}
      {j.earlierCancellations.length > 0 && (
        <>
          <Title order={3}>{m.receipts.earlier}</Title>
          <ReportTable
            label={m.receipts.earlier}
            testId="report-earlier"
            columns={[
              { label: c.number, nowrap: true },
              { label: c.date, nowrap: true },
              { label: c.family },
              { label: c.mode },
              { label: c.amount, amount: true },
              { label: c.cancellation },
            ]}
            rows={j.earlierCancellations.map((e) => ({
              key: `${e.receiptNumber}`,
              cells: [
                e.receiptNumber,
                formatInstant(e.recordedAt),
                e.familyName,
                paymentModeLabels[e.mode],
                formatEuro(-e.amountCents),
                m.receipts.cancelledOn(formatInstant(e.cancelledAt), e.agent, e.reason, true),
              ],
            }))}
          />
        </>
      )}
    </Stack>
  );
}

function TotalsTable({
  title,
  lines,
  total,
  testId,
}: {
  title: string;
  lines: TotalsLine[];
  total: TotalsLine;
  testId: string;
}) {
  const c = m.totals.columns;
  const cells = (l: TotalsLine) => [
    l.label,
    l.paymentCount.toLocaleString('fr-FR'),
    formatEuro(l.collectedCents),
    l.cancellationCount.toLocaleString('fr-FR'),
    formatEuro(-l.cancelledCents),
    formatEuro(l.netCents),
  ];
  return (
    <Stack gap="xs">
      <Title order={3}>{title}</Title>
      <ReportTable
        label={title}
        testId={testId}
        columns={[
          { label: c.label },
          { label: c.payments, amount: true },
          { label: c.collected, amount: true },
          { label: c.cancellations, amount: true },
          { label: c.cancelled, amount: true },
          { label: c.net, amount: true },
        ]}
        rows={lines.map((l) => ({ key: l.key, cells: cells(l) }))}
        total={cells({ ...total, label: m.total })}
      />
    </Stack>
  );
}

export function TotalsView({ t }: { t: PeriodTotals }) {
  if (t.total.paymentCount === 0 && t.total.cancellationCount === 0) return <Text>{m.empty}</Text>;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label={m.receipts.collected} value={t.total.collectedCents} />
        <Figure label={m.receipts.cancelled} value={-t.total.cancelledCents} />
        <Figure label={m.receipts.net} value={t.total.netCents} testId="report-net" />
      </SimpleGrid>
      <TotalsTable
        title={m.totals.perMode}
        lines={t.perMode}
        total={t.total}
        testId="report-table"
      />
      <TotalsTable
        title={m.totals.perRegie}
        lines={t.perRegie}
        total={t.total}
        testId="report-regies"
      />
      <TotalsTable
        title={m.totals.perRegieMode}
        lines={t.perRegieMode}
        total={t.total}
        testId="report-regie-modes"
      />
      <Text fz="sm" c="dark.7">
        {m.receipts.rule}
      </Text>
    </Stack>
  );
}

export function BalancesView({ b }: { b: BalancesReport }) {
  const c = m.balances.columns;
  return (
    <Stack gap="md">
      <Text fw={600}>{m.balances.count(b.totalRows, !b.nonZeroOnly)}</Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label={c.due} value={b.dueCents} />
        <Figure label={c.credit} value={b.creditCents} />
        <Figure label={c.balance} value={b.balanceCents} testId="report-net" />
      </SimpleGrid>
      <Text fz="sm" c="dark.7">
        {m.balances.help}
      </Text>
      <Truncated shown={b.rows.length} total={b.totalRows} />
      {b.rows.length > 0 && (
        <ReportTable
          label={m.tableLabel(m.kinds.soldes)}
          testId="report-table"
          columns={[
            { label: c.code },
            { label: c.family },
            { label: c.regie },
            { label: c.due, amount: true },
            { label: c.credit, amount: true },
            { label: c.balance, amount: true },
          ]}
          rows={b.rows.map((r) => ({
            key: `${r.familyCode}-${r.regieCode}`,
            cells: [
              r.familyCode,
              r.familyName,
              r.regieCode,
              formatEuro(r.dueCents),
              formatEuro(r.creditCents),
              formatEuro(r.balanceCents),
            ],
          }))}
          total={[
            m.total,
            '',
            '',
            formatEuro(b.dueCents),
            formatEuro(b.creditCents),
            formatEuro(b.balanceCents),
          ]}
        />
      )}
    </Stack>
  );
}

export function CreditsView({ c }: { c: CreditsReport }) {
  const col = m.credits.columns;
  return (
    <Stack gap="md">
      <Group align="flex-end" gap="xl">
        <Text fw={600}>{m.credits.count(c.totalRows)}</Text>
        <Figure label={m.total} value={c.totalCents} testId="report-net" />
      </Group>
      <Truncated shown={c.rows.length} total={c.totalRows} />
      {c.rows.length > 0 && (
        <ReportTable
          label={m.tableLabel(m.kinds.avoirs)}
          testId="report-table"
          columns={[
            { label: col.code },
            { label: col.family },
            { label: col.regie },
            { label: col.credit, amount: true },
            { label: col.since },
          ]}
          rows={c.rows.map((r) => ({
            key: `${r.familyCode}-${r.regieCode}`,
            cells: [
              r.familyCode,
              r.familyName,
              r.regieCode,
              formatEuro(r.creditCents),
              r.since ? formatDate(r.since.slice(0, 10)) : m.none,
            ],
          }))}
          total={[m.total, '', '', formatEuro(c.totalCents), '']}
        />
      )}
    </Stack>
  );
}

export function SituationView({ s }: { s: CashSituation }) {
  const c = m.situation.columns;
  const sum = (pick: (l: CashSituation['lines'][number]) => number) =>
    formatEuro(s.lines.reduce((t, l) => t + pick(l), 0));
  const cashHeld = s.lines
    .filter((l) => l.channel === 'caisse')
    .reduce((t, l) => t + l.toHoldCents, 0);
  return (
    <Stack gap="lg">
      <Text fw={600}>{m.situation.at(formatInstant(s.at))}</Text>
      {s.lines.length === 0 ? (
        <Text>{m.empty}</Text>
      ) : (
        <ReportTable
          label={m.tableLabel(m.kinds.situation)}
          testId="report-table"
          columns={[
            { label: c.regie },
            { label: c.mode },
            { label: c.channel },
            { label: c.book, amount: true },
            { label: c.deposited, amount: true },
            { label: c.adjustments, amount: true },
            { label: c.toHold, amount: true },
            { label: c.onDraft, amount: true },
          ]}
          rows={s.lines.map((l) => ({
            key: `${l.regieCode}-${l.mode}`,
            cells: [
              l.regieCode,
              l.label,
              m.situation.channels[l.channel],
              formatEuro(l.bookCents),
              formatEuro(l.depositedCents),
              formatEuro(l.adjustmentsCents),
              `${formatEuro(l.toHoldCents)}${l.toHoldCount ? ` (${l.toHoldCount})` : ''}`,
              l.onDraftSlipCount
                ? `${formatEuro(l.onDraftSlipCents)} (${l.onDraftSlipCount})`
                : m.none,
            ],
          }))}
          total={[
            m.total,
            '',
            '',
            sum((l) => l.bookCents),
            sum((l) => l.depositedCents),
            sum((l) => l.adjustmentsCents),
            sum((l) => l.toHoldCents),
            sum((l) => l.onDraftSlipCents),
          ]}
        />
      )}
      <Text fz="sm" c="dark.7">
        {m.situation.rule}
      </Text>
      <Title order={3}>{m.situation.cashTitle}</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure label={m.situation.cashHeld} value={cashHeld} />
        <Figure label={m.situation.float} value={s.floatCents} />
        <Figure
          label={m.situation.cashTotal}
          value={s.cashToPresentCents}
          testId="report-cash-total"
        />
      </SimpleGrid>
      <Text>
        {`${m.situation.differences}\u00a0: `}
        {s.differences.length === 0
          ? m.situation.noDifference
          : s.differences
              .map((d) => `${d.label} ${formatEuro(d.totalCents)} (${d.count})`)
              .join(' ; ')}
      </Text>
      <Title order={3}>{m.situation.openTitle}</Title>
      {s.openSessions.length === 0 ? (
        <Text>{m.situation.noOpen}</Text>
      ) : (
        <List>
          {s.openSessions.map((o) => (
            <List.Item key={o.sessionId}>
              {m.situation.open(
                o.posteCode,
                formatInstant(o.openedAt),
                o.openedBy,
                formatEuro(o.expectedCashCents),
                o.overnight,
              )}
            </List.Item>
          ))}
        </List>
      )}
      <Alert
        color="blue"
        variant="outline"
        title={m.situation.remarks}
        data-testid="report-remarks"
      >
        <List>
          {s.remarks.map((r) => (
            <List.Item key={r}>{r}</List.Item>
          ))}
        </List>
      </Alert>
    </Stack>
  );
}
