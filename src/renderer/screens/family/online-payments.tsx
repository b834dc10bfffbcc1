// Online payments (PayFiP) on the family page, as the portal last published them. Pending
// attempts come first, with their age, because an agent about to collect must know that the
// family is paying the same invoice online; "Vérifier auprès de PayFiP" asks the portal to
// check one now and says the result in a notification. Paid ones are listed with the
// counter's payment history, with their authorisation number, as the family sees them.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Notification,
  Paper,
  Portal,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import {
  ONLINE_MODE_LABEL,
  type OnlineAttemptView,
  type OnlineRecheckResult,
} from '../../../shared/contract';
import { formatEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { onlineMessages as m } from './messages';
import { PaymentDate } from './date-cell';

/** Minutes since an instant, refreshed every 30 seconds while the page is open. */
function useMinutesSince(): (instant: string) => number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return (instant) => Math.max(0, Math.floor((now - Date.parse(instant)) / 60_000));
}

type Outcome = { ref: string } & (
  | { kind: 'result'; result: OnlineRecheckResult; invoiceNumber: string }
  | { kind: 'error'; message: string }
);

export function PendingOnlinePayments({
  pending,
  regieNames,
  mayCheck,
  onChecked,
}: {
  pending: readonly OnlineAttemptView[];
  /** Régie code -> name, for the table. */
  regieNames: ReadonlyMap<string, string>;
  /** Agents who collect may ask for a check; the core checks the permission again. */
  mayCheck: boolean;
  /** A check ended: the family's invoices and payments must be read again. */
  onChecked(): void;
}) {
  const { call } = useGuichet();
  const minutesSince = useMinutesSince();
  const [checking, setChecking] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The row checked usually vanishes (paid, refused) as the page reloads: the focus goes to
  // the notification, so that the keyboard is not thrown back to the top of the page. The
  // portal mounts the notification a moment after the outcome is set, hence a callback ref.
  const focusNotice = useRef(false);
  const noticeRef = useCallback((el: HTMLDivElement | null) => {
    if (el && focusNotice.current) {
      focusNotice.current = false;
      el.focus();
    }
  }, []);

  /** Closing gives the focus back to the row's button, or to the régies when it is gone. */
  function close(ref: string) {
    setOutcome(null);
    const button = document.querySelector<HTMLButtonElement>(
      `[data-online-pending="${CSS.escape(ref)}"] button`,
    );
    (button ?? document.getElementById('titre-regies'))?.focus();
  }

  async function check(attempt: OnlineAttemptView) {
    setChecking(attempt.ref);
    setOutcome(null);
    const r = await call('online.recheck', { onlinePaymentRef: attempt.ref });
    setChecking(null);
    focusNotice.current = true;
    setOutcome(
      r.ok
        ? {
            ref: attempt.ref,
            kind: 'result',
            result: r.value,
            invoiceNumber: attempt.invoiceNumber,
          }
        : { ref: attempt.ref, kind: 'error', message: r.error.message },
    );
    onChecked();
  }

  return (
    <>
      {pending.length > 0 && (
        <section aria-labelledby="titre-en-ligne-en-cours" data-testid="online-pending">
          <Title order={2} id="titre-en-ligne-en-cours" mb={4}>
            {m.pendingTitle}
          </Title>
          <Text fz="sm" c="dark.7" mb="sm">
            {m.pendingHelp}
          </Text>
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={760}>
              <Table
                className="invoice-table"
                verticalSpacing="xs"
                horizontalSpacing="sm"
                aria-label={m.pendingTableLabel}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{m.columns.invoice}</Table.Th>
                    <Table.Th>{m.columns.regie}</Table.Th>
                    <Table.Th className="amount">{m.columns.amount}</Table.Th>
                    <Table.Th>{m.columns.started}</Table.Th>
                    <Table.Th>{m.columns.age}</Table.Th>
                    <Table.Th>{m.columns.lock}</Table.Th>
                    {mayCheck && <Table.Th>{m.columns.action}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {pending.map((a) => (
                    <Table.Tr key={a.ref} data-online-pending={a.ref}>
                      <Table.Td className="code">{a.invoiceNumber}</Table.Td>
                      <Table.Td>{regieNames.get(a.regieCode) ?? a.regieCode}</Table.Td>
                      <Table.Td className="amount">{formatEuro(a.amountCents)}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <PaymentDate instant={a.startedAt} />
                      </Table.Td>
                      <Table.Td data-testid="online-age" style={{ whiteSpace: 'nowrap' }}>
                        {m.age(minutesSince(a.startedAt))}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {a.lockExpiresAt ? <PaymentDate instant={a.lockExpiresAt} /> : m.noLock}
                      </Table.Td>
                      {mayCheck && (
                        <Table.Td>
                          <Button
                            size="compact-md"
                            variant="outline"
                            leftSection={<IconRefresh aria-hidden size={16} />}
                            loading={checking === a.ref}
                            disabled={checking !== null && checking !== a.ref}
                            aria-label={m.recheckLabel(a.invoiceNumber)}
                            onClick={() => void check(a)}
                          >
                            {m.recheck}
                          </Button>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        </section>
      )}
      {checking !== null && <VisuallyHidden role="status">{m.checking}</VisuallyHidden>}
      {outcome && (
        <Portal>
          <Notification
            ref={noticeRef}
            tabIndex={-1}
            role={outcome.kind === 'error' ? 'alert' : 'status'}
            data-testid="online-recheck-notice"
            color={
              outcome.kind === 'error'
                ? 'red'
                : outcome.result.status === 'paye'
                  ? 'teal'
                  : outcome.result.status === 'en_cours'
                    ? 'blue'
                    : 'orange'
            }
            title={outcome.kind === 'error' ? m.errorTitle : m.resultTitle[outcome.result.status]}
            closeButtonProps={{ 'aria-label': m.close }}
            onClose={() => close(outcome.ref)}
            onKeyDown={(e) => {
              // Échap closes the message rather than leaving the family's page.
              if (e.key === 'Escape') {
                e.preventDefault();
                close(outcome.ref);
              }
            }}
            withBorder
            style={{ position: 'fixed', right: 24, bottom: 24, width: 460, zIndex: 400 }}
          >
            <Text fz="sm" c="dark.8">
              {outcome.kind === 'error' ? outcome.message : outcome.result.message}
            </Text>
            {outcome.kind === 'result' &&
              outcome.result.invoices
                .filter((i) => i.state === 'payee')
                .map((i) => (
                  <Text key={i.number} fz="sm" fw={600} mt={4} c="dark.8">
                    {m.settled(i.number)}
                  </Text>
                ))}
          </Notification>
        </Portal>
      )}
    </>
  );
}

/** Paid online shares, for the payment history. */
export function PaidOnlinePayments({
  paid,
  regieNames,
}: {
  paid: readonly OnlineAttemptView[];
  regieNames: ReadonlyMap<string, string>;
}) {
  if (paid.length === 0) return null;
  return (
    <div data-testid="online-paid">
      <Title order={3} mt="lg" mb={4}>
        {m.paidTitle}
      </Title>
      <Text fz="sm" c="dark.7" mb="sm">
        {m.paidHelp}
      </Text>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={860}>
          <Table
            className="invoice-table"
            verticalSpacing="xs"
            horizontalSpacing="sm"
            striped
            aria-label={m.paidTableLabel}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.columns.date}</Table.Th>
                <Table.Th>{m.columns.invoice}</Table.Th>
                <Table.Th>{m.columns.regie}</Table.Th>
                <Table.Th>{m.columns.mode}</Table.Th>
                <Table.Th className="amount">{m.columns.amount}</Table.Th>
                <Table.Th>{m.columns.numauto}</Table.Th>
                <Table.Th>{m.columns.idop}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paid.map((a) => (
                <Table.Tr key={a.ref} data-online-paid={a.invoiceNumber}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <PaymentDate instant={a.paidAt ?? a.finishedAt ?? a.startedAt} />
                  </Table.Td>
                  <Table.Td className="code">{a.invoiceNumber}</Table.Td>
                  <Table.Td>{regieNames.get(a.regieCode) ?? a.regieCode}</Table.Td>
                  <Table.Td>{ONLINE_MODE_LABEL}</Table.Td>
                  <Table.Td className="amount">
                    <div>{formatEuro(a.amountCents)}</div>
                    {a.attemptAmountCents !== a.amountCents && (
                      <Text fz="sm" c="dark.6">
                        {m.sharedPayment(formatEuro(a.attemptAmountCents))}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="code" data-testid="online-numauto">
                    {a.numauto ?? '—'}
                  </Table.Td>
                  <Table.Td className="code" style={{ overflowWrap: 'anywhere' }}>
                    {a.idop ?? '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </div>
  );
}

export function OnlineLoadError({ message }: { message: string }) {
  return (
    <Alert color="orange" variant="outline" role="alert">
      {m.loadError(message)}
    </Alert>
  );
}
