// After the payment is recorded: the receipt number and the change to hand back in large type,
// what was settled, and the receipt itself, ready to print (a duplicata in the other layout on
// request).
import { useEffect, useRef } from 'react';
import { Alert, Button, Grid, Group, Kbd, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconCircleCheck } from '@tabler/icons-react';
import type { CounterPaymentMode, PaymentRecorded, ReceiptLayout } from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { paymentModeLabels } from '../../../shared/payment-modes';
import { receiptMessages } from '../../receipts/messages';
import { ReceiptPanel } from '../../receipts/receipt-panel';
import { doneMessages as m } from './messages';

interface Props {
  recorded: PaymentRecorded;
  mode: CounterPaymentMode;
  /** The layout the original was asked in. */
  layout: ReceiptLayout;
  onBack(): void;
}

export function PaymentDone({ recorded, mode, layout, onBack }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // Null only when the core could not prepare the receipt (its warning says so).
  const r = recorded.receipt;
  const cash = mode === 'especes';
  const notice =
    recorded.warning ??
    (recorded.replayed && !recorded.print ? receiptMessages.replayedNoOriginal : null);
  return (
    <Stack gap="lg" data-testid="payment-done">
      <Group justify="space-between" align="center" wrap="wrap">
        <Group gap="sm">
          <IconCircleCheck aria-hidden size={36} color="#18753c" />
          <Title order={1} ref={heading} tabIndex={-1}>
            {m.title}
          </Title>
        </Group>
        <Button
          variant="default"
          leftSection={<IconArrowLeft aria-hidden size={18} />}
          rightSection={<Kbd size="xs">{m.backKey}</Kbd>}
          onClick={onBack}
        >
          {m.backToFamily}
        </Button>
      </Group>
      {recorded.replayed && (
        <Alert color="institutional" variant="outline" role="status" data-testid="replayed">
          {m.replayed}
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder radius="md" p="lg">
            <Stack gap="md">
              <div>
                <Text c="dark.6">{m.receiptNumber}</Text>
                <div className="receipt-number code" data-testid="receipt-number">
                  {recorded.receiptNumber}
                </div>
              </div>
              <Group justify="space-between" align="flex-end">
                <div>
                  <Text c="dark.6">{m.amount}</Text>
                  <div className="big-amount" data-testid="done-amount">
                    {formatEuro(recorded.amountCents)}
                  </div>
                </div>
                <Text fw={600}>{paymentModeLabels[mode]}</Text>
              </Group>
              {cash && (
                <div className="change-due change-due-done" role="status" data-testid="done-change">
                  <span className="change-due-label">{m.change}</span>{' '}
                  <span className="change-due-value">{formatEuro(recorded.changeCents ?? 0)}</span>
                </div>
              )}
              {r && r.modeDetails.length > 0 && (
                <Stack gap={0}>
                  {r.modeDetails.map((d) => (
                    <Text key={d} fz="sm">
                      {d}
                    </Text>
                  ))}
                </Stack>
              )}
              {recorded.creditCreatedCents > 0 && (
                <Text fw={600}>
                  {`${m.credit}\u00a0: ${formatEuro(recorded.creditCreatedCents)}`}
                </Text>
              )}
              {r && r.allocations.length > 0 && (
                <section aria-labelledby="titre-factures-reglees">
                  <Title order={2} fz="h3" id="titre-factures-reglees" mb={4}>
                    {m.allocations}
                  </Title>
                  <Table verticalSpacing={4} fz="sm">
                    <Table.Tbody>
                      {r.allocations.map((a) => (
                        <Table.Tr key={a.invoiceNumber}>
                          <Table.Td className="code">{a.invoiceNumber}</Table.Td>
                          <Table.Td>{a.invoiceLabel}</Table.Td>
                          <Table.Td className="amount" fw={700}>
                            {formatEuro(a.allocatedCents)}
                          </Table.Td>
                          <Table.Td className="amount" c="dark.6">
                            {m.remaining(formatEuro(a.remainingCents))}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </section>
              )}
              {r && (
                <Group justify="space-between">
                  <Text>{m.balance}</Text>
                  <Text fw={700} className="amount">
                    {formatEuro(r.balanceDueCents)}
                  </Text>
                </Group>
              )}
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="titre-recu">
            <Title order={2} fz="h3" id="titre-recu" mb="sm">
              {m.receiptTitle}
            </Title>
            <ReceiptPanel
              paymentId={recorded.paymentId}
              kind="paiement"
              original={recorded.print}
              originalLayout={layout}
              notice={notice}
            />
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
