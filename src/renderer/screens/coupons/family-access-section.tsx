// « Accès au portail famille » on a family's page: the public code famille (large, copyable), the
// state of the latest activation code as the register and the portal know it, its history on
// demand, and per régie the two coupon actions: issue a new code and print the coupon that
// carries it (F3 on the selected régie), or print a coupon without a new code.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  CopyButton,
  Group,
  Kbd,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconCheck, IconCopy, IconPrinter, IconQrcode } from '@tabler/icons-react';
import {
  accessCodeStatusLabels,
  type AccessCodeInfo,
  type FamilyAccess,
  type FamilyDetail,
} from '../../../shared/contract';
import { formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { overlayOpen } from '../../components/overlay-open';
import { useGuichet } from '../../guichet-context';
import { CouponDialog, type DialogState } from './coupon-dialog';
import { replaceWarning } from './format';
import { accessMessages as m, codeDialogMessages as dm, statusColors } from './messages';

interface Props {
  family: FamilyDetail;
  /** The régie F3 issues a code for: the one F4 collects on. */
  targetRegieId: number | null;
  /** Agents who may collect may issue codes (the contract's 'collect' permission). */
  mayIssue: boolean;
}

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; access: FamilyAccess };

export function FamilyAccessSection({ family, targetRegieId, mayIssue }: Props) {
  const { call, locked } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [version, setVersion] = useState(0);
  const [showHistory, setShowHistory] = useState(false);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  // One commandId per issue the agent asked for: a retry after a lost answer sends it again, so
  // the core replays the first issue (same code) instead of issuing a second one.
  const pendingIssue = useRef<{ regieId: number; commandId: string } | null>(null);
  const issuing = useRef(false);

  useEffect(() => {
    let cancelled = false;
    void call('access.get', { familyId: family.id }).then((r) => {
      if (cancelled) return;
      setLoaded(
        r.ok ? { state: 'ready', access: r.value } : { state: 'failed', message: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, family.id, version]);

  const access = loaded.state === 'ready' ? loaded.access : null;
  const regieName = useCallback(
    (regieId: number) => family.regies.find((r) => r.regieId === regieId)?.regieName ?? '',
    [family.regies],
  );

  const issue = useCallback(
    async (regieId: number) => {
      if (issuing.current) return;
      issuing.current = true;
      const name = regieName(regieId);
      if (pendingIssue.current?.regieId !== regieId) {
        pendingIssue.current = { regieId, commandId: crypto.randomUUID() };
      }
      setDialog({ kind: 'issuing', regieId, regieName: name });
      try {
        const r = await call('access.issue', {
          commandId: pendingIssue.current.commandId,
          familyId: family.id,
          regieId,
        });
        if (!r.ok) {
          // Without an answer the code may have been issued: the retry keeps the commandId.
          // A refusal changed nothing: the next attempt is a new command.
          if (r.error.code !== 'INTERNE') pendingIssue.current = null;
          const message =
            r.error.code === 'INTERNE'
              ? dm.issueUnsure(r.error.message)
              : dm.issueFailed(r.error.message);
          setDialog({ kind: 'issueFailed', regieId, regieName: name, message });
          return;
        }
        pendingIssue.current = null;
        setDialog({ kind: 'issued', regieId, regieName: name, coupon: r.value });
        setVersion((v) => v + 1);
      } finally {
        issuing.current = false;
      }
    },
    [call, family.id, regieName],
  );

  /** Asks first when a code the family could still use (or its account) would be replaced. */
  const askIssue = useCallback(
    (regieId: number) => {
      if (!access) return;
      const name = regieName(regieId);
      const warning = replaceWarning(access.current, new Date());
      if (!warning) {
        void issue(regieId);
        return;
      }
      const text =
        warning.kind === 'active'
          ? dm.confirmActive(formatInstant(warning.code.activatedAt ?? warning.code.issuedAt))
          : dm.confirmLive(
              formatInstant(warning.code.issuedAt),
              warning.code.expiresAt ? formatInstant(warning.code.expiresAt) : null,
            );
      setDialog({ kind: 'confirm', regieId, regieName: name, text });
    },
    [access, issue, regieName],
  );

  const printCoupon = useCallback(
    (regieId: number) => {
      const name = regieName(regieId);
      setDialog({ kind: 'coupon', regieId, regieName: name, coupon: null, error: null });
      void call('coupons.family', { familyId: family.id, regieId }).then((r) => {
        setDialog((d) =>
          d?.kind === 'coupon' && d.regieId === regieId && d.coupon === null
            ? {
                ...d,
                coupon: r.ok ? r.value : null,
                error: r.ok ? null : dm.couponFailed(r.error.message),
              }
            : d,
        );
      });
    },
    [call, family.id, regieName],
  );

  const target = family.regies.find((r) => r.regieId === targetRegieId) ?? family.regies[0];

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.key !== m.issueKey || locked || e.defaultPrevented || overlayOpen(e)) return;
      // F3 is the browser's "find next": taken here even when nothing can be issued, so the
      // agent never gets the browser's search bar by surprise.
      e.preventDefault();
      if (mayIssue && target && access) askIssue(target.regieId);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, mayIssue, target, access, askIssue]);

  return (
    <section aria-labelledby="titre-acces-portail" data-testid="family-access">
      <Title order={2} id="titre-acces-portail" mb="sm">
        {m.title}
      </Title>
      <Paper withBorder radius="md" p="md">
        <Stack gap="md">
          <Group align="flex-start" gap="xl" wrap="wrap">
            <FamilyCode code={access?.familyCode ?? family.code} />
            <div style={{ flex: 1, minWidth: 280 }}>
              {loaded.state === 'loading' && (
                <Stack aria-busy="true" aria-label={m.loading} gap="xs">
                  <Skeleton height={24} width="40%" />
                  <Skeleton height={18} width="70%" />
                </Stack>
              )}
              {loaded.state === 'failed' && (
                <Alert color="red" variant="outline" role="alert" data-testid="access-error">
                  <Stack gap="xs" align="flex-start">
                    <Text>{m.loadFailed(loaded.message)}</Text>
                    <Button size="xs" variant="default" onClick={() => setVersion((v) => v + 1)}>
                      {m.retry}
                    </Button>
                  </Stack>
                </Alert>
              )}
              {access && <CurrentCode access={access} />}
            </div>
          </Group>

          {family.regies.length > 0 && (
            <Stack gap="xs">
              <Text fw={700}>{m.coupons}</Text>
              <Text fz="sm" c="dark.6">
                {mayIssue ? m.issueHelp : m.readOnly}
              </Text>
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="xs" aria-label={m.coupons} data-testid="access-regies">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{m.colRegie}</Table.Th>
                      <Table.Th className="amount">{m.colDue}</Table.Th>
                      <Table.Th>{m.colActions}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {family.regies.map((r) => {
                      const isTarget = r.regieId === target?.regieId;
                      return (
                        <Table.Tr key={r.regieId} data-regie={r.regieCode}>
                          <Table.Td fw={600}>{r.regieName}</Table.Td>
                          <Table.Td className="amount">{formatEuro(r.dueCents)}</Table.Td>
                          <Table.Td>
                            <Group gap="xs" wrap="nowrap">
                              {mayIssue && (
                                <Button
                                  size="compact-md"
                                  leftSection={<IconQrcode aria-hidden size={18} />}
                                  rightSection={
                                    isTarget ? <Kbd size="xs">{m.issueKey}</Kbd> : undefined
                                  }
                                  aria-label={m.issueLabel(r.regieName)}
                                  aria-keyshortcuts={isTarget ? m.issueKey : undefined}
                                  disabled={!access}
                                  onClick={() => askIssue(r.regieId)}
                                  data-testid="access-issue"
                                >
                                  {m.issue}
                                </Button>
                              )}
                              <Button
                                size="compact-md"
                                variant="outline"
                                leftSection={<IconPrinter aria-hidden size={18} />}
                                aria-label={m.printOnlyLabel(r.regieName)}
                                onClick={() => printCoupon(r.regieId)}
                                data-testid="access-print"
                              >
                                {m.printOnly}
                              </Button>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Stack>
          )}

          {access && access.history.length > 0 && (
            <Stack gap="xs" align="flex-start">
              <Button
                variant="subtle"
                size="compact-md"
                aria-expanded={showHistory}
                aria-controls="historique-codes"
                onClick={() => setShowHistory((s) => !s)}
                data-testid="access-history-toggle"
              >
                {showHistory ? m.historyHide : m.historyShow(access.history.length)}
              </Button>
              {showHistory && <History id="historique-codes" history={access.history} />}
            </Stack>
          )}
        </Stack>
      </Paper>
      <CouponDialog
        state={dialog}
        familyName={family.familyName}
        familyCode={access?.familyCode ?? family.code}
        onConfirm={(regieId) => void issue(regieId)}
        onClose={() => {
          // Closing while the issue is on its way keeps nothing of it on screen; the new state
          // is read again so the page shows the code as issued (or not).
          if (dialog?.kind === 'issuing') setVersion((v) => v + 1);
          setDialog(null);
        }}
      />
    </section>
  );
}

function FamilyCode({ code }: { code: string }) {
  return (
    <div>
      <Text fz="sm" fw={600} c="dark.6" id="code-famille-label">
        {m.familyCode}
      </Text>
      <Group gap="sm" align="center" wrap="nowrap">
        <Text
          ff="monospace"
          fw={800}
          fz={32}
          style={{ letterSpacing: '0.06em', userSelect: 'all' }}
          aria-labelledby="code-famille-label"
          data-testid="access-family-code"
        >
          {code}
        </Text>
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button
              size="compact-md"
              variant={copied ? 'light' : 'default'}
              color={copied ? 'green' : undefined}
              leftSection={
                copied ? <IconCheck aria-hidden size={16} /> : <IconCopy aria-hidden size={16} />
              }
              aria-label={m.copyLabel(code)}
              onClick={copy}
            >
              {copied ? m.copied : m.copy}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text fz="xs" c="dark.6" maw={320}>
        {m.familyCodeHelp}
      </Text>
    </div>
  );
}

function StatusBadge({ code }: { code: AccessCodeInfo }) {
  const color = statusColors[code.status];
  return (
    <Badge
      color={color}
      variant={code.status === 'emis' || code.status === 'active' ? 'filled' : 'outline'}
      size="lg"
      radius="sm"
      data-testid="access-status"
      data-status={code.status}
    >
      {accessCodeStatusLabels[code.status]}
    </Badge>
  );
}

function CurrentCode({ access }: { access: FamilyAccess }) {
  const c = access.current;
  return (
    <Stack gap={6}>
      <Text fz="sm" fw={600} c="dark.6">
        {m.currentCode}
      </Text>
      {c === null ? (
        <Text data-testid="access-none">{m.noCode}</Text>
      ) : (
        <>
          <Group gap="xs">
            <StatusBadge code={c} />
            {c.pendingSync && (
              <Badge
                color="#0b4f9c"
                variant="outline"
                size="lg"
                radius="sm"
                title={m.pendingSyncHelp}
                data-testid="access-pending-sync"
              >
                {m.pendingSync}
              </Badge>
            )}
          </Group>
          <Text>{m.issuedOn(formatInstant(c.issuedAt), c.issuedBy, c.posteCode)}</Text>
          {c.batchRef && <Text fz="sm">{m.inBatch(c.batchRef)}</Text>}
          {c.activatedAt ? (
            <Text fw={600}>{m.activatedOn(formatInstant(c.activatedAt))}</Text>
          ) : c.expiresAt ? (
            <Text>
              {c.status === 'expire'
                ? m.expiredOn(formatInstant(c.expiresAt))
                : m.expiresOn(formatInstant(c.expiresAt))}
            </Text>
          ) : (
            <Text>{m.noExpiry}</Text>
          )}
          {c.pendingSync && (
            <Text fz="sm" c="dark.6">
              {m.pendingSyncHelp}
            </Text>
          )}
        </>
      )}
      <Text fz="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
        {access.familyPortalUrl ? (
          <>
            <Text span c="dark.6" fz="sm">
              {`${m.portal} : `}
            </Text>
            <span className="code">{access.familyPortalUrl}</span>
          </>
        ) : (
          <Text span c="orange.9" fz="sm">
            {m.noPortal}
          </Text>
        )}
      </Text>
    </Stack>
  );
}

function History({ id, history }: { id: string; history: AccessCodeInfo[] }) {
  return (
    <Table.ScrollContainer minWidth={760} w="100%">
      <Table
        id={id}
        striped
        verticalSpacing="xs"
        aria-label={m.historyLabel}
        data-testid="access-history"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{m.colIssued}</Table.Th>
            <Table.Th>{m.colBy}</Table.Th>
            <Table.Th>{m.colExpires}</Table.Th>
            <Table.Th>{m.colStatus}</Table.Th>
            <Table.Th>{m.colActivated}</Table.Th>
            <Table.Th>{m.colBatch}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.map((h) => (
            <Table.Tr key={h.ref}>
              <Table.Td className="code">{formatInstant(h.issuedAt)}</Table.Td>
              <Table.Td>{`${h.issuedBy} (${h.posteCode})`}</Table.Td>
              <Table.Td className="code">
                {h.expiresAt ? formatInstant(h.expiresAt) : m.none}
              </Table.Td>
              <Table.Td>
                {accessCodeStatusLabels[h.status]}
                {h.pendingSync ? ` · ${m.pendingSync.toLocaleLowerCase('fr-FR')}` : ''}
              </Table.Td>
              <Table.Td className="code">
                {h.activatedAt ? formatInstant(h.activatedAt) : m.none}
              </Table.Td>
              <Table.Td className="code">{h.batchRef ?? m.none}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
