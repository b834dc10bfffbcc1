// The family's payments at the counter, newest first: receipt number, Paris date, régie, mode,
// amount and whether it was cancelled. Agents who collect may reprint a receipt (always a
// DUPLICATA, journaled by the core); agents who may cancel get the cancellation dialog. The core
// checks both permissions again: hiding a button is a convenience, not the protection.
import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconChevronDown, IconPrinter, IconX } from '@tabler/icons-react';
import {
  receiptLayouts,
  type PaymentCancelled,
  type OnlineAttemptView,
  type PaymentSummary,
  type ReceiptFile,
  type ReceiptLayout,
} from '../../../shared/contract';
import { formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { paymentModeLabels } from '../../../shared/payment-modes';
import { can, type Role } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { preferredLayout, rememberLayout } from '../../receipts/layout-preference';
import { receiptMessages } from '../../receipts/messages';
import { ReceiptPanel } from '../../receipts/receipt-panel';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { historyMessages as m } from './messages';
import { PaymentDate } from './date-cell';
import { PaidOnlinePayments } from './online-payments';

interface Props {
  familyId: number;
  regieNames: ReadonlyMap<number, string>;
  /** Online payments the portal published as paid (shown after the counter's own). */
  onlinePaid: readonly OnlineAttemptView[];
  regieNamesByCode: ReadonlyMap<string, string>;
  /** Changes whenever the family's data was reloaded (a payment recorded or cancelled). */
  version: number;
  role: Role;
  /** A payment was cancelled: the family's invoices and balances must be read again. */
  onChanged(): void;
}

type Loaded = { key: string } & ({ payments: PaymentSummary[] } | { error: string });

type Reprint = {
  payment: PaymentSummary;
  kind: 'paiement' | 'annulation';
  layout: ReceiptLayout;
  file: ReceiptFile | null;
  error: string | null;
};

export function PaymentHistory({
  familyId,
  regieNames,
  onlinePaid,
  regieNamesByCode,
  version,
  role,
  onChanged,
}: Props) {
  const { call } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [reprint, setReprint] = useState<Reprint | null>(null);
  const [cancelling, setCancelling] = useState<PaymentSummary | null>(null);
  const key = `${familyId}/${version}`;

  useEffect(() => {
    let cancelled = false;
    void call('payments.list', { familyId, limit: 100 }).then((r) => {
      if (cancelled) return;
      setLoaded(r.ok ? { key, payments: r.value } : { key, error: r.error.message });
    });
    return () => {
      cancelled = true;
    };
  }, [call, familyId, key]);

  async function startReprint(
    payment: PaymentSummary,
    kind: Reprint['kind'],
    layout: ReceiptLayout,
  ) {
    rememberLayout(layout);
    setReprint({ payment, kind, layout, file: null, error: null });
    const r = await call('payments.receipt', {
      commandId: crypto.randomUUID(),
      paymentId: payment.paymentId,
      layout,
      kind,
    });
    setReprint((cur) =>
      cur && cur.payment === payment && cur.kind === kind && cur.layout === layout
        ? { ...cur, file: r.ok ? r.value : null, error: r.ok ? null : r.error.message }
        : cur,
    );
  }

  // Data of an older key stays on screen while the new list loads, so nothing jumps.
  const payments = loaded && 'payments' in loaded ? loaded.payments : null;
  const mayCollect = can(role, 'collect');
  const mayCancel = can(role, 'cancel');
  return (
    <section aria-labelledby="titre-paiements">
      <Title order={2} id="titre-paiements" mb="sm">
        {m.title}
      </Title>
      {!loaded ? (
        <Skeleton height={80} aria-label={m.loading} />
      ) : 'error' in loaded ? (
        <Alert color="red" variant="outline" role="alert">
          {loaded.error}
        </Alert>
      ) : payments && payments.length === 0 ? (
        <Text data-testid="payment-history-empty">{m.none}</Text>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860}>
            <Table
              className="invoice-table"
              verticalSpacing="xs"
              horizontalSpacing="sm"
              striped
              aria-label={m.tableLabel}
              data-testid="payment-history"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{m.columns.receipt}</Table.Th>
                  <Table.Th>{m.columns.date}</Table.Th>
                  <Table.Th>{m.columns.regie}</Table.Th>
                  <Table.Th>{m.columns.mode}</Table.Th>
                  <Table.Th className="amount">{m.columns.amount}</Table.Th>
                  <Table.Th>{m.columns.agent}</Table.Th>
                  <Table.Th>{m.columns.state}</Table.Th>
                  {(mayCollect || mayCancel) && <Table.Th>{m.columns.actions}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {payments?.map((p) => (
                  <Table.Tr
                    key={p.paymentId}
                    data-receipt={p.receiptNumber}
                    className={p.cancelled ? 'cancelled-row' : undefined}
                  >
                    <Table.Td className="code" style={{ whiteSpace: 'nowrap' }}>
                      {p.receiptNumber}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <PaymentDate instant={p.recordedAt} />
                    </Table.Td>
                    <Table.Td>{regieNames.get(p.regieId) ?? p.regieCode}</Table.Td>
                    <Table.Td>{paymentModeLabels[p.mode]}</Table.Td>
                    <Table.Td className="amount" fw={700}>
                      {formatEuro(p.amountCents)}
                    </Table.Td>
                    <Table.Td>{p.agentName}</Table.Td>
                    <Table.Td>
                      {p.cancelled ? (
                        <Badge
                          color="#3a3a3a"
                          variant="outline"
                          size="lg"
                          radius="sm"
                          title={m.cancelledDetail(
                            p.cancelled.by,
                            formatInstant(p.cancelled.at),
                            p.cancelled.reason,
                          )}
                          miw="max-content"
                          data-testid="payment-state"
                        >
                          {m.cancelled}
                        </Badge>
                      ) : (
                        <Badge
                          color="#18753c"
                          variant="light"
                          size="lg"
                          radius="sm"
                          miw="max-content"
                          data-testid="payment-state"
                        >
                          {m.valid}
                        </Badge>
                      )}
                    </Table.Td>
                    {(mayCollect || mayCancel) && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {mayCollect && (
                            <ReprintMenu
                              payment={p}
                              onChoose={(kind, layout) => void startReprint(p, kind, layout)}
                            />
                          )}
                          {mayCancel && !p.cancelled && (
                            <Button
                              size="compact-md"
                              variant="outline"
                              color="red.9"
                              leftSection={<IconX aria-hidden size={16} />}
                              aria-label={m.cancelLabel(p.receiptNumber)}
                              onClick={() => setCancelling(p)}
                            >
                              {m.cancel}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <PaidOnlinePayments paid={onlinePaid} regieNames={regieNamesByCode} />

      <Modal
        opened={reprint !== null}
        onClose={() => setReprint(null)}
        title={reprint ? m.reprintTitle(reprint.payment.receiptNumber) : ''}
        size="lg"
        styles={{ title: { fontWeight: 700, fontSize: '1.25rem' } }}
      >
        {reprint && (
          <Stack>
            <Text fz="sm">{m.reprintNote}</Text>
            <ReceiptViewer
              file={reprint.file}
              busy={!reprint.file && !reprint.error}
              error={reprint.error}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setReprint(null)}>
                {m.close}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      {cancelling && (
        <CancelDialog
          payment={cancelling}
          onClose={() => setCancelling(null)}
          onCancelled={onChanged}
        />
      )}
    </section>
  );
}

function ReprintMenu({
  payment,
  onChoose,
}: {
  payment: PaymentSummary;
  onChoose(kind: 'paiement' | 'annulation', layout: ReceiptLayout): void;
}) {
  const kinds = payment.cancelled ? (['paiement', 'annulation'] as const) : (['paiement'] as const);
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          size="compact-md"
          variant="default"
          leftSection={<IconPrinter aria-hidden size={16} />}
          rightSection={<IconChevronDown aria-hidden size={14} />}
          aria-label={m.reprintLabel(payment.receiptNumber)}
        >
          {m.reprint}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {kinds.map((kind) => (
          <div key={kind}>
            <Menu.Label>
              {kind === 'paiement' ? m.reprintPayment : m.reprintCancellation}
            </Menu.Label>
            {receiptLayouts.map((layout) => (
              <Menu.Item key={layout} onClick={() => onChoose(kind, layout)}>
                {`${kind === 'paiement' ? m.reprintPayment : m.reprintCancellation} — ${receiptMessages.layouts[layout]}`}
              </Menu.Item>
            ))}
          </div>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

type CancelState =
  | { kind: 'editing'; error: string | null }
  | { kind: 'sending' }
  | { kind: 'done'; result: PaymentCancelled; layout: ReceiptLayout };

function CancelDialog({
  payment,
  onClose,
  onCancelled,
}: {
  payment: PaymentSummary;
  onClose(): void;
  onCancelled(): void;
}) {
  const { call } = useGuichet();
  const [reason, setReason] = useState('');
  const [state, setState] = useState<CancelState>({ kind: 'editing', error: null });
  // Drawn once per content, so a retry (or a second click) cannot cancel twice.
  const command = useRef<{ key: string; id: string } | null>(null);
  const sending = useRef(false);

  async function confirm() {
    if (sending.current) return;
    const trimmed = reason.trim();
    if (trimmed.length < 5) {
      setState({ kind: 'editing', error: m.reasonTooShort });
      return;
    }
    sending.current = true;
    const key = `${payment.paymentId}/${trimmed}`;
    if (command.current?.key !== key) command.current = { key, id: crypto.randomUUID() };
    const layout = preferredLayout();
    setState({ kind: 'sending' });
    const r = await call('payments.cancel', {
      commandId: command.current.id,
      paymentId: payment.paymentId,
      reason: trimmed,
      printLayout: layout,
    });
    sending.current = false;
    if (!r.ok) {
      setState({ kind: 'editing', error: r.error.message });
      return;
    }
    setState({ kind: 'done', result: r.value, layout });
    onCancelled();
  }

  const done = state.kind === 'done' ? state : null;
  return (
    <Modal
      opened
      onClose={() => {
        if (state.kind !== 'sending') onClose();
      }}
      title={m.cancelTitle(payment.receiptNumber)}
      size="lg"
      styles={{ title: { fontWeight: 700, fontSize: '1.25rem' } }}
      closeOnClickOutside={false}
    >
      {done ? (
        <Stack>
          <Alert color="green" variant="outline" role="status" data-testid="cancel-done">
            {m.cancelDone(payment.receiptNumber)}
          </Alert>
          <Title order={3}>{m.cancelReceipt}</Title>
          <ReceiptPanel
            paymentId={payment.paymentId}
            kind="annulation"
            original={done.result.print}
            originalLayout={done.layout}
            notice={
              done.result.warning ??
              (done.result.replayed && !done.result.print
                ? receiptMessages.replayedNoOriginal
                : null)
            }
          />
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              {m.close}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <Stack>
            <Text>
              {m.cancelExplanation(
                formatEuro(payment.amountCents),
                formatInstant(payment.recordedAt),
              )}
            </Text>
            <Textarea
              label={m.reason}
              description={m.reasonHelp}
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                if (state.kind === 'editing' && state.error)
                  setState({ kind: 'editing', error: null });
              }}
              minRows={2}
              autosize
              maxLength={300}
              required
              data-autofocus
              error={
                state.kind === 'editing' && state.error === m.reasonTooShort
                  ? state.error
                  : undefined
              }
              onKeyDown={(e) => {
                // Entrée confirms as in every other form; Maj+Entrée starts a new line.
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
            />
            {state.kind === 'editing' && state.error && state.error !== m.reasonTooShort && (
              <Alert color="red" variant="outline" role="alert" data-testid="cancel-error">
                {state.error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose} disabled={state.kind === 'sending'}>
                {m.keepPayment}
              </Button>
              <Button type="submit" color="red.9" loading={state.kind === 'sending'}>
                {m.confirmCancel}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
