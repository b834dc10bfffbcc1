// A family at the counter: who the responsables are and how to reach them, the children, one
// panel per régie with what is due, the credit and every invoice with its state, and the
// payments already recorded. Agents who collect start a payment from a panel (F4) or from an
// invoice's row. Échap goes back to the search with its results intact.
import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Container,
  Group,
  Kbd,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconArrowLeft, IconCash } from '@tabler/icons-react';
import type {
  Child,
  FamilyDetail,
  FamilyOnlinePayments,
  OnlineAttemptView,
  RegiePanel,
  Responsable,
} from '../../../shared/contract';
import { formatDate } from '../../../shared/dates';
import { invoiceStateLabels } from '../../../shared/invoice-state';
import { formatEuro } from '../../../shared/money';
import { can } from '../../../shared/roles';
import { InvoiceStateBadge } from '../../components/invoice-state-badge';
import { useGuichet } from '../../guichet-context';
import { countByState, formatPeriod, formatPhone, periodNotInLabel, sortInvoices } from './format';
import { familyMessages as m, onlineMessages } from './messages';
import { OnlineLoadError, PendingOnlinePayments } from './online-payments';
import { overlayOpen } from '../../components/overlay-open';
import { PaymentHistory } from './payment-history';
import { FamilyAccessSection } from '../coupons/family-access-section';

interface Props {
  familyId: number;
  onBack(): void;
  /** Opens the payment form on a régie, with one invoice chosen or not. */
  onPay(family: FamilyDetail, regieId: number, invoiceId: number | null): void;
}

type Loaded = { familyId: number } & ({ family: FamilyDetail } | { error: string });
type OnlineLoaded = { key: string } & ({ online: FamilyOnlinePayments } | { error: string });

export function FamilyScreen({ familyId, onBack, onPay }: Props) {
  const { call, locked, session } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  // Bumped after a cancellation: the invoices it reopened and the balances are read again.
  const [version, setVersion] = useState(0);
  // The régie panel F4 collects on: the one the keyboard is in, else the first with money due.
  const [activeRegie, setActiveRegie] = useState<number | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusedFamily = useRef<number | null>(null);
  const [onlineLoaded, setOnlineLoaded] = useState<OnlineLoaded | null>(null);
  const onlineKey = `${familyId}/${version}`;

  // Online payments come from what the portal published; they are read again with the family
  // (after a payment, a cancellation or a re-check), and an older list stays on screen meanwhile.
  useEffect(() => {
    let cancelled = false;
    void call('online.familyPayments', { familyId }).then((r) => {
      if (cancelled) return;
      setOnlineLoaded(
        r.ok ? { key: onlineKey, online: r.value } : { key: onlineKey, error: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, familyId, onlineKey]);
  const online =
    onlineLoaded && 'online' in onlineLoaded && onlineLoaded.key.startsWith(`${familyId}/`)
      ? onlineLoaded.online
      : null;

  useEffect(() => {
    let cancelled = false;
    void call('families.get', { familyId }).then((r) => {
      if (cancelled) return;
      setLoaded(r.ok ? { familyId, family: r.value } : { familyId, error: r.error.message });
    });
    return () => {
      cancelled = true;
    };
  }, [call, familyId, version]);

  const current = loaded?.familyId === familyId ? loaded : null;
  const family = current && 'family' in current ? current.family : null;
  const mayCollect = session !== null && can(session.agent.role, 'collect');
  const collectTarget = family
    ? (family.regies.find((r) => r.regieId === activeRegie) ??
      family.regies.find((r) => r.dueCents > 0) ??
      family.regies[0] ??
      null)
    : null;

  // Moving the focus to the title tells a screen reader where it is and lets the keyboard
  // scroll the page from its top. Only on arrival: a reload after a cancellation leaves the
  // focus where the agent is.
  useEffect(() => {
    if (family && focusedFamily.current !== family.id) {
      focusedFamily.current = family.id;
      heading.current?.focus();
    }
  }, [family]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (locked || e.defaultPrevented) return;
      // While a dialog or a menu is open (cancellation, reprint), Échap closes it and nothing more.
      if (overlayOpen(e)) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        onBack();
      } else if (e.key === 'F4' && family && collectTarget && mayCollect) {
        e.preventDefault();
        onPay(family, collectTarget.regieId, null);
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, onBack, onPay, family, collectTarget, mayCollect]);

  return (
    <Container size="lg" py="lg">
      <Stack gap="lg">
        <Group>
          <Button
            variant="default"
            leftSection={<IconArrowLeft aria-hidden size={18} />}
            rightSection={<Kbd size="xs">{m.backKey}</Kbd>}
            onClick={onBack}
          >
            {m.back}
          </Button>
        </Group>
        {!current && (
          <Stack aria-busy="true" aria-label={m.loading}>
            <Skeleton height={36} width="50%" />
            <Skeleton height={140} />
            <Skeleton height={220} />
          </Stack>
        )}
        {current && 'error' in current && (
          <Alert color="red" variant="outline" role="alert">
            {current.error}
          </Alert>
        )}
        {family && session && (
          <FamilyDetailView
            family={family}
            online={online}
            onlineError={onlineLoaded && 'error' in onlineLoaded ? onlineLoaded.error : null}
            onOnlineChecked={() => setVersion((v) => v + 1)}
            headingRef={heading}
            collect={
              mayCollect
                ? {
                    targetRegieId: collectTarget?.regieId ?? null,
                    onPay: (regieId, invoiceId) => onPay(family, regieId, invoiceId),
                  }
                : null
            }
            onPanelFocus={setActiveRegie}
          />
        )}
        {family && session && (
          <FamilyAccessSection
            family={family}
            targetRegieId={collectTarget?.regieId ?? null}
            mayIssue={mayCollect}
          />
        )}
        {family && session && (
          <PaymentHistory
            familyId={family.id}
            regieNames={new Map(family.regies.map((r) => [r.regieId, r.regieName]))}
            onlinePaid={online?.paid ?? []}
            regieNamesByCode={new Map(family.regies.map((r) => [r.regieCode, r.regieName]))}
            version={version}
            role={session.agent.role}
            onChanged={() => setVersion((v) => v + 1)}
          />
        )}
      </Stack>
    </Container>
  );
}

interface Collect {
  /** The panel F4 opens the payment form on. */
  targetRegieId: number | null;
  onPay(regieId: number, invoiceId: number | null): void;
}

function FamilyDetailView({
  family,
  online,
  onlineError,
  onOnlineChecked,
  headingRef,
  collect,
  onPanelFocus,
}: {
  family: FamilyDetail;
  /** Null while loading (or when it could not be read: onlineError says why). */
  online: FamilyOnlinePayments | null;
  onlineError: string | null;
  onOnlineChecked(): void;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  /** Absent for agents who may not collect (contrôleur): no payment action at all. */
  collect: Collect | null;
  onPanelFocus(regieId: number): void;
}) {
  const totalDue = family.regies.reduce((sum, r) => sum + r.dueCents, 0);
  const byInvoice = (list: readonly OnlineAttemptView[] | undefined) => {
    const map = new Map<string, OnlineAttemptView>();
    for (const a of list ?? []) if (!map.has(a.invoiceNumber)) map.set(a.invoiceNumber, a);
    return map;
  };
  const pendingByInvoice = byInvoice(online?.pending);
  const paidByInvoice = byInvoice(online?.paid);
  return (
    <>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={1} ref={headingRef} tabIndex={-1}>
            {m.title(family.familyName)}
          </Title>
          <Group gap="xs" mt={4}>
            <Text c="dark.6">{m.code}</Text>
            <Badge variant="outline" color="dark" size="lg" radius="sm" className="code">
              {family.code}
            </Badge>
          </Group>
        </div>
        <div className="amount">
          <Text fz="sm" c="dark.6" ta="right">
            {m.totalDue}
          </Text>
          <div className="big-amount" data-testid="family-total-due">
            {formatEuro(totalDue)}
          </div>
        </div>
      </Group>

      <section aria-labelledby="titre-responsables">
        <Title order={2} id="titre-responsables" mb="sm">
          {m.responsables}
        </Title>
        {family.responsables.length === 0 ? (
          <Text>{m.noResponsable}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {family.responsables.map((r) => (
              <ResponsableCard key={r.rank} responsable={r} />
            ))}
          </SimpleGrid>
        )}
      </section>

      <section aria-labelledby="titre-enfants">
        <Title order={2} id="titre-enfants" mb="sm">
          {m.children}
        </Title>
        {family.children.length === 0 ? (
          <Text>{m.noChildren}</Text>
        ) : (
          <ChildrenTable children={family.children} />
        )}
      </section>

      {onlineError && <OnlineLoadError message={onlineError} />}
      {online && (
        <PendingOnlinePayments
          pending={online.pending}
          regieNames={new Map(family.regies.map((r) => [r.regieCode, r.regieName]))}
          mayCheck={collect !== null}
          onChecked={onOnlineChecked}
        />
      )}

      <section aria-labelledby="titre-regies">
        <Title order={2} id="titre-regies" tabIndex={-1} mb={collect ? 4 : 'sm'}>
          {m.regies}
        </Title>
        {collect && family.regies.length > 0 && (
          <Text fz="sm" c="dark.6" mb="sm">
            {m.collectHelp}
          </Text>
        )}
        {family.regies.length === 0 ? (
          <Text>{m.noRegie}</Text>
        ) : (
          <Stack gap="lg">
            {family.regies.map((panel) => (
              <RegiePanelView
                key={panel.regieId}
                panel={panel}
                pendingByInvoice={pendingByInvoice}
                paidByInvoice={paidByInvoice}
                collect={collect}
                onFocus={() => onPanelFocus(panel.regieId)}
              />
            ))}
          </Stack>
        )}
      </section>
    </>
  );
}

function ResponsableCard({ responsable: r }: { responsable: Responsable }) {
  const phones = [
    [m.phoneMobile, r.phoneMobile],
    [m.phoneHome, r.phoneHome],
    [m.phoneWork, r.phoneWork],
  ].filter((p): p is [string, string] => Boolean(p[1]));
  return (
    <Paper withBorder p="md" radius="md" data-testid="responsable">
      <Text fz="sm" c="dark.6" fw={600}>
        {m.responsableRank(r.rank)}
      </Text>
      <Text fw={700} fz="lg">
        {`${r.civility} ${r.firstName} ${r.lastName.toLocaleUpperCase('fr-FR')}`.trim()}
      </Text>
      <Text>{r.addressLine1}</Text>
      {r.addressLine2 && <Text>{r.addressLine2}</Text>}
      <Text>{`${r.postalCode} ${r.city}`}</Text>
      <Stack gap={2} mt="sm">
        {phones.map(([label, value]) => (
          <Text key={label}>
            <Text span c="dark.6" fz="sm" w={90} display="inline-block">
              {label}
            </Text>
            <span className="code">{formatPhone(value)}</span>
          </Text>
        ))}
        {r.email && (
          <Text style={{ overflowWrap: 'anywhere' }}>
            <Text span c="dark.6" fz="sm" w={90} display="inline-block">
              {m.email}
            </Text>
            {r.email}
          </Text>
        )}
        {phones.length === 0 && !r.email && (
          <Text c="dark.6" fz="sm">
            {m.noContact}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function ChildrenTable({ children }: { children: Child[] }) {
  return (
    <Paper withBorder radius="md">
      <Table verticalSpacing="sm" horizontalSpacing="md" data-testid="children">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{m.childName}</Table.Th>
            <Table.Th>{m.birthDate}</Table.Th>
            <Table.Th>{m.school}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {children.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td
                fw={600}
              >{`${c.firstName} ${c.lastName.toLocaleUpperCase('fr-FR')}`}</Table.Td>
              <Table.Td className="code">{formatDate(c.birthDate)}</Table.Td>
              <Table.Td>{c.school ?? m.noSchool}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function RegiePanelView({
  panel,
  pendingByInvoice,
  paidByInvoice,
  collect,
  onFocus,
}: {
  panel: RegiePanel;
  /** Online payments by invoice number: one in progress, or the latest paid. */
  pendingByInvoice: ReadonlyMap<string, OnlineAttemptView>;
  paidByInvoice: ReadonlyMap<string, OnlineAttemptView>;
  collect: Collect | null;
  onFocus(): void;
}) {
  const titleId = `regie-${panel.regieId}`;
  const invoices = sortInvoices(panel.invoices);
  const isTarget = collect?.targetRegieId === panel.regieId;
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby={titleId}
      data-testid="regie-panel"
      data-regie={panel.regieCode}
      onFocus={onFocus}
    >
      <Group justify="space-between" align="flex-start" wrap="wrap" mb="sm">
        <div>
          <Title order={3} id={titleId}>
            {panel.regieName}
          </Title>
          <Text fz="sm" c="dark.7" mt={6} data-testid="regie-states">
            {countByState(panel.invoices)
              .map(([state, n]) => m.stateCount(n, invoiceStateLabels[state]))
              .join(' · ')}
          </Text>
        </div>
        <Group gap="xl" align="flex-start">
          <div className="amount">
            <Text fz="sm" c="dark.6" ta="right">
              {m.credit}
            </Text>
            <Text fz="lg" fw={600} className="amount">
              {formatEuro(panel.creditCents)}
            </Text>
          </div>
          <div className="amount">
            <Text fz="sm" c="dark.6" ta="right">
              {m.due}
            </Text>
            <div className="big-amount" data-testid="regie-due">
              {formatEuro(panel.dueCents)}
            </div>
          </div>
          {collect && (
            <Button
              size="lg"
              leftSection={<IconCash aria-hidden size={22} />}
              rightSection={isTarget ? <Kbd size="sm">{m.collectKey}</Kbd> : undefined}
              aria-label={m.collectLabel(panel.regieName)}
              aria-keyshortcuts={isTarget ? m.collectKey : undefined}
              onClick={() => collect.onPay(panel.regieId, null)}
              data-testid="collect"
            >
              {m.collect}
            </Button>
          )}
        </Group>
      </Group>
      {invoices.length === 0 ? (
        <Text>{m.noInvoice}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table
            className="invoice-table"
            verticalSpacing="xs"
            horizontalSpacing="sm"
            striped
            aria-label={m.invoicesLabel(panel.regieName)}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.columns.number}</Table.Th>
                <Table.Th>{m.columns.label}</Table.Th>
                <Table.Th>{m.columns.dueDate}</Table.Th>
                <Table.Th className="amount">{m.columns.amount}</Table.Th>
                <Table.Th className="amount">{m.columns.paid}</Table.Th>
                <Table.Th className="amount">{m.columns.remaining}</Table.Th>
                <Table.Th>{m.columns.state}</Table.Th>
                {collect && (
                  <Table.Th>
                    <VisuallyHidden>{m.columns.action}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.map((inv) => (
                <Table.Tr
                  key={inv.id}
                  className={inv.state === 'annulee' ? 'cancelled-row' : undefined}
                >
                  <Table.Td className="code">{inv.number}</Table.Td>
                  <Table.Td>
                    <div>{inv.label}</div>
                    {periodNotInLabel(inv) && (
                      <Text fz="sm" c="dark.6">
                        {formatPeriod(inv.period)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="code">{formatDate(inv.dueDate)}</Table.Td>
                  <Table.Td className="amount">{formatEuro(inv.amountCents)}</Table.Td>
                  <Table.Td className="amount">{formatEuro(inv.paidCents)}</Table.Td>
                  <Table.Td className="amount" fw={inv.remainingCents > 0 ? 700 : 400}>
                    {/* A cancelled invoice asks for nothing, whatever was left on it. */}
                    {inv.state === 'annulee' ? m.notApplicable : formatEuro(inv.remainingCents)}
                  </Table.Td>
                  <Table.Td>
                    <InvoiceStateBadge state={inv.state} />
                    <OnlineNote
                      pending={pendingByInvoice.get(inv.number)}
                      paid={paidByInvoice.get(inv.number)}
                    />
                  </Table.Td>
                  {collect && (
                    <Table.Td>
                      {(inv.state === 'a_payer' || inv.state === 'partielle') && (
                        <Button
                          size="compact-md"
                          variant="outline"
                          aria-label={m.payInvoiceLabel(inv.number)}
                          onClick={() => collect.onPay(panel.regieId, inv.id)}
                        >
                          {m.payInvoice}
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

/** Under an invoice's state: a payment in progress online, or how it was paid online. */
function OnlineNote({ pending, paid }: { pending?: OnlineAttemptView; paid?: OnlineAttemptView }) {
  if (pending) {
    return (
      <Badge mt={4} color="#0b4f9c" variant="outline" radius="sm" tt="none" miw="max-content">
        {onlineMessages.invoicePending}
      </Badge>
    );
  }
  if (paid) {
    return (
      <Text fz="sm" c="dark.7" mt={4} data-testid="invoice-paid-online">
        {onlineMessages.invoicePaidOnline(paid.numauto)}
      </Text>
    );
  }
  return null;
}
