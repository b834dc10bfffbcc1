// Where the money goes: every invoice the payment can settle, with what it takes and what is
// left after. The amounts come from the core's preview; typing one switches to a hand-made
// allocation that starts from the preview's figures, and one button goes back to the default.
import { Button, Group, Table, Text, TextInput } from '@mantine/core';
import type { InvoiceView, PaymentPreview } from '../../../shared/contract';
import { formatDate } from '../../../shared/dates';
import { formatEuro, parseEuro } from '../../../shared/money';
import { centsToInput, type AllocationChoice } from './payment-draft';
import { paymentMessages as m } from './messages';

interface Props {
  invoices: readonly InvoiceView[];
  preview: PaymentPreview | null;
  allocation: AllocationChoice;
  /** Invoices whose typed amount cannot be read. */
  unreadable: readonly number[];
  onChange(choice: AllocationChoice): void;
}

export function AllocationTable({ invoices, preview, allocation, unreadable, onChange }: Props) {
  const previewed = new Map(preview?.allocations.map((l) => [l.invoiceId, l]) ?? []);
  const flagged = new Set(
    preview?.violations.flatMap((v) => (v.invoiceId === undefined ? [] : [v.invoiceId])) ?? [],
  );

  function shown(inv: InvoiceView): string {
    if (allocation.kind === 'manual') return allocation.amounts[inv.id] ?? '';
    const line = previewed.get(inv.id);
    return line && line.amountCents !== 0 ? centsToInput(line.amountCents) : '';
  }

  function edit(inv: InvoiceView, text: string) {
    const amounts: Record<number, string> = {};
    for (const i of invoices) amounts[i.id] = i.id === inv.id ? text : shown(i);
    onChange({ kind: 'manual', amounts });
  }

  if (invoices.length === 0) return <Text>{m.noPayableInvoice}</Text>;
  return (
    <>
      <Group justify="space-between" align="center" mb={4} wrap="wrap">
        <Text fz="sm" c="dark.6">
          {allocation.kind === 'manual'
            ? m.allocationManual
            : allocation.kind === 'invoice'
              ? m.allocationInvoice
              : m.allocationAuto}
        </Text>
        {allocation.kind !== 'auto' && (
          <Button variant="subtle" size="compact-md" onClick={() => onChange({ kind: 'auto' })}>
            {m.allocationReset}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table
          className="invoice-table allocation-table"
          verticalSpacing={6}
          horizontalSpacing="sm"
          aria-label={m.allocationLabel}
          data-testid="allocation-table"
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{m.columns.number}</Table.Th>
              <Table.Th>{m.columns.label}</Table.Th>
              <Table.Th>{m.columns.dueDate}</Table.Th>
              <Table.Th className="amount">{m.columns.before}</Table.Th>
              <Table.Th className="amount">{m.columns.amount}</Table.Th>
              <Table.Th className="amount">{m.columns.after}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invoices.map((inv) => {
              const text = shown(inv);
              const typed = text.trim() === '' ? 0 : parseEuro(text);
              const after =
                allocation.kind === 'manual'
                  ? typed === null
                    ? null
                    : inv.remainingCents - typed
                  : (previewed.get(inv.id)?.remainingAfterCents ?? inv.remainingCents);
              const bad = unreadable.includes(inv.id);
              return (
                <Table.Tr
                  key={inv.id}
                  data-invoice={inv.number}
                  className={flagged.has(inv.id) || bad ? 'violation-row' : undefined}
                >
                  <Table.Td className="code">{inv.number}</Table.Td>
                  <Table.Td fz="sm">{inv.label}</Table.Td>
                  <Table.Td className="code">{formatDate(inv.dueDate)}</Table.Td>
                  <Table.Td className="amount">{formatEuro(inv.remainingCents)}</Table.Td>
                  <Table.Td className="amount" w={150}>
                    <TextInput
                      size="sm"
                      aria-label={m.allocationInput(inv.number)}
                      value={text}
                      placeholder="0,00"
                      onChange={(e) => edit(inv, e.currentTarget.value)}
                      error={bad}
                      inputMode="decimal"
                      autoComplete="off"
                      classNames={{ input: 'amount-input' }}
                    />
                  </Table.Td>
                  <Table.Td className="amount" fw={after === 0 ? 400 : 700}>
                    {after === null ? '—' : formatEuro(after)}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {invoices
        .filter((inv) => unreadable.includes(inv.id))
        .map((inv) => (
          <Text key={inv.id} c="red.8" fz="sm" role="alert">
            {m.badAllocation(inv.number)}
          </Text>
        ))}
    </>
  );
}
