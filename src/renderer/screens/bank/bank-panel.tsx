// The Rapprochement tab: import a statement, see each statement's lines with their match state
// (and, for a credit not matched, what it could be), the credits still unmatched and the credits
// expected but missing, and the online payments by day with their anomalies. Matching by hand,
// undoing a match and settling a trop-perçu need the 'validate' permission (régisseur,
// suppléant); everyone else reads.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type {
  BankLineView,
  BankMissingResult,
  BankStatementDetail,
  BankStatementSummary,
  OnlinePaymentView,
  OnlineReconciliation,
  OverpaymentResolution,
  SessionView,
} from '../../../shared/contract';
import {
  bankLineStateLabels,
  onlineAnomalyLabels,
  overpaymentResolutionLabels,
} from '../../../shared/contract';
import { formatDate, parisDate } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { can } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { bankMessages as m } from './messages';

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const stateColor = { rapprochee: 'green', non_rapprochee: 'orange', debit: 'gray' } as const;

function daysBefore(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function BankPanel({ session }: { session: SessionView }) {
  const { call } = useGuichet();
  const mayDecide = can(session.agent.role, 'validate');
  const [statements, setStatements] = useState<BankStatementSummary[]>([]);
  const [detail, setDetail] = useState<BankStatementDetail | null>(null);
  const [onlyUnmatched, setOnlyUnmatched] = useState(false);
  const [unmatched, setUnmatched] = useState<BankLineView[]>([]);
  const [missing, setMissing] = useState<BankMissingResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const [selected, setSelected] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = useCallback((statementId?: number) => {
    if (statementId !== undefined) setSelected(statementId);
    setVersion((v) => v + 1);
  }, []);

  useEffect(() => {
    let cancelled = false;
    void Promise.all([
      call('bank.statements', {}),
      call('bank.unmatched', {}),
      call('bank.missing', {}),
      selected === null
        ? Promise.resolve(null)
        : call('bank.statement', { statementId: selected, onlyUnmatched }),
    ]).then(([s, u, mi, d]) => {
      if (cancelled) return;
      if (s.ok) setStatements(s.value);
      if (u.ok) setUnmatched(u.value);
      if (mi.ok) setMissing(mi.value);
      if (d?.ok) setDetail(d.value);
    });
    return () => {
      cancelled = true;
    };
  }, [call, selected, onlyUnmatched, version]);

  return (
    <Stack gap="xl">
      <ImportSection
        onImported={(id, text) => {
          setNotice(text);
          setError(null);
          refresh(id);
        }}
        onError={(text) => {
          setError(text);
          setNotice(null);
        }}
        mayImport={mayDecide}
      />
      {error && (
        <Alert color="red" role="alert" data-testid="bank-error">
          {error}
        </Alert>
      )}
      {notice && (
        <Alert color="green" data-testid="bank-notice">
          {notice}
        </Alert>
      )}

      <Stack gap="xs">
        <Title order={2}>{m.statementsTitle}</Title>
        {statements.length === 0 ? (
          <Text c="dimmed">{m.noStatements}</Text>
        ) : (
          <Table striped highlightOnHover data-testid="bank-statements">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.colAccount}</Table.Th>
                <Table.Th>{m.colPeriod}</Table.Th>
                <Table.Th>{m.colFile}</Table.Th>
                <Table.Th>{m.colLines}</Table.Th>
                <Table.Th>{m.colMatched}</Table.Th>
                <Table.Th>{m.colUnmatched}</Table.Th>
                <Table.Th>{m.colClosing}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {statements.map((s) => (
                <Table.Tr key={s.statementId}>
                  <Table.Td>
                    {s.account}
                    {s.regieCode ? ` (${s.regieCode})` : ''}
                  </Table.Td>
                  <Table.Td>
                    {formatDate(s.openingDate)} – {formatDate(s.closingDate)}
                  </Table.Td>
                  <Table.Td>{s.fileName}</Table.Td>
                  <Table.Td>{s.lineCount}</Table.Td>
                  <Table.Td>{s.matchedCount}</Table.Td>
                  <Table.Td>{s.unmatchedCount}</Table.Td>
                  <Table.Td>{formatEuro(s.closingCents)}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => refresh(s.statementId)}>
                      {m.open}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      {detail && (
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={3}>
              {m.statementLabel(detail.account, detail.openingDate, detail.closingDate)}
            </Title>
            <Checkbox
              label={m.onlyUnmatched}
              checked={onlyUnmatched}
              onChange={(e) => setOnlyUnmatched(e.currentTarget.checked)}
            />
          </Group>
          <LinesTable
            lines={detail.lines}
            mayDecide={mayDecide}
            onChanged={() => refresh()}
            onError={setError}
          />
        </Stack>
      )}

      <Stack gap="xs">
        <Title order={2}>{m.unmatchedTitle}</Title>
        {unmatched.length === 0 ? (
          <Text c="dimmed">{m.noUnmatched}</Text>
        ) : (
          <LinesTable
            lines={unmatched}
            mayDecide={mayDecide}
            onChanged={() => refresh()}
            onError={setError}
          />
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={2}>{m.missingTitle}</Title>
        {missing && <Text size="sm">{m.missingHelp(missing.workingDays)}</Text>}
        {!missing || missing.items.length === 0 ? (
          <Text c="dimmed">{m.noMissing}</Text>
        ) : (
          <Table striped data-testid="bank-missing">
            <Table.Tbody>
              {missing.items.map((i) => (
                <Table.Tr key={`${i.target.kind}|${i.target.key}`}>
                  <Table.Td>{formatDate(i.target.date)}</Table.Td>
                  <Table.Td>{i.target.label}</Table.Td>
                  <Table.Td>{formatEuro(i.target.amountCents)}</Table.Td>
                  <Table.Td>{m.expectedBy(i.expectedBy)}</Table.Td>
                  <Table.Td>
                    <Badge color="red" variant="light">
                      {m.late(i.workingDaysLate)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      <OnlineSection mayDecide={mayDecide} onError={setError} />
    </Stack>
  );
}

function ImportSection(props: {
  mayImport: boolean;
  onImported(statementId: number | undefined, text: string): void;
  onError(text: string): void;
}) {
  const { call } = useGuichet();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [commandId, setCommandId] = useState(() => crypto.randomUUID());
  if (!props.mayImport) return null;

  async function submit() {
    if (!file) return;
    setBusy(true);
    try {
      let contentBase64: string;
      try {
        contentBase64 = await toBase64(file);
      } catch {
        props.onError(m.readFailed(file.name));
        return;
      }
      const r = await call('bank.import', { commandId, fileName: file.name, contentBase64 });
      if (!r.ok) {
        props.onError(r.error.message);
        return;
      }
      setCommandId(crypto.randomUUID());
      props.onImported(
        r.value.statements[0]?.statementId,
        r.value.replayed
          ? m.replayed
          : m.imported(r.value.lineCount, r.value.matchedCount, r.value.unmatchedCount),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="xs">
      <Title order={2}>{m.importTitle}</Title>
      <Text size="sm">{m.importHelp}</Text>
      <Group align="end">
        <FileInput
          label={m.fileLabel}
          placeholder={m.filePlaceholder}
          value={file}
          onChange={(f) => {
            setFile(f);
            setCommandId(crypto.randomUUID());
          }}
          w={360}
          data-testid="bank-file"
        />
        <Button onClick={() => void submit()} loading={busy} disabled={!file}>
          {m.importButton}
        </Button>
      </Group>
    </Stack>
  );
}

function LinesTable(props: {
  lines: BankLineView[];
  mayDecide: boolean;
  onChanged(): void;
  onError(text: string): void;
}) {
  const { call } = useGuichet();
  const [undoing, setUndoing] = useState<number | null>(null);
  const [reason, setReason] = useState('');

  async function match(
    line: BankLineView,
    targets: { kind: BankLineView['candidates'][number]['targets'][number]['kind']; key: string }[],
  ) {
    const r = await call('bank.match', {
      commandId: crypto.randomUUID(),
      lineId: line.lineId,
      targets,
    });
    if (!r.ok) props.onError(r.error.message);
    props.onChanged();
  }

  async function unmatch(line: BankLineView) {
    const r = await call('bank.unmatch', {
      commandId: crypto.randomUUID(),
      lineId: line.lineId,
      reason,
    });
    if (!r.ok) {
      props.onError(r.error.message);
      return;
    }
    setUndoing(null);
    setReason('');
    props.onChanged();
  }

  return (
    <Table striped data-testid="bank-lines">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{m.colDate}</Table.Th>
          <Table.Th>{m.colLabel}</Table.Th>
          <Table.Th ta="right">{m.colAmount}</Table.Th>
          <Table.Th>{m.colState}</Table.Th>
          <Table.Th>{m.colWhat}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.lines.map((l) => (
          <Table.Tr key={l.lineId}>
            <Table.Td>{formatDate(l.bookingDate)}</Table.Td>
            <Table.Td>
              <Text size="sm">{l.label}</Text>
              {l.complements.map((c, i) => (
                <Text key={i} size="xs" c="dimmed">
                  {c.qualifier} {c.text}
                </Text>
              ))}
            </Table.Td>
            <Table.Td ta="right">{formatEuro(l.amountCents)}</Table.Td>
            <Table.Td>
              <Badge color={stateColor[l.state]} variant="light">
                {bankLineStateLabels[l.state]}
              </Badge>
            </Table.Td>
            <Table.Td>
              {l.match && (
                <Stack gap={4}>
                  {l.match.targets.map((t) => (
                    <Text key={t.key} size="sm">
                      {t.label} — {formatEuro(t.amountCents)}
                    </Text>
                  ))}
                  <Text size="xs" c="dimmed">
                    {l.match.origin === 'auto' ? m.auto : m.manual(l.match.agentName)}
                  </Text>
                  {props.mayDecide &&
                    (undoing === l.lineId ? (
                      <Group gap="xs" align="end">
                        <TextInput
                          label={m.unmatchReason}
                          value={reason}
                          onChange={(e) => setReason(e.currentTarget.value)}
                          size="xs"
                          data-autofocus
                        />
                        <Button size="xs" color="red" onClick={() => void unmatch(l)}>
                          {m.unmatchConfirm}
                        </Button>
                        <Button size="xs" variant="subtle" onClick={() => setUndoing(null)}>
                          {m.cancel}
                        </Button>
                      </Group>
                    ) : (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => setUndoing(l.lineId)}
                      >
                        {m.unmatch}
                      </Button>
                    ))}
                </Stack>
              )}
              {l.state === 'non_rapprochee' && l.candidates.length === 0 && (
                <Text size="sm" c="dimmed">
                  {m.noCandidate}
                </Text>
              )}
              {l.candidates.map((c, i) => (
                <Group key={i} gap="xs" wrap="nowrap">
                  <Text size="sm">{c.description}</Text>
                  {props.mayDecide && (
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() =>
                        void match(
                          l,
                          c.targets.map((t) => ({ kind: t.kind, key: t.key })),
                        )
                      }
                    >
                      {m.matchWith}
                    </Button>
                  )}
                </Group>
              ))}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function OnlineSection(props: { mayDecide: boolean; onError(text: string): void }) {
  const { call } = useGuichet();
  const { onError } = props;
  const today = parisDate(new Date());
  const [from, setFrom] = useState(() => daysBefore(today, 30));
  const [to, setTo] = useState(today);
  const [data, setData] = useState<OnlineReconciliation | null>(null);

  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return;
    let cancelled = false;
    void call('online.reconciliation', { from, to }).then((r) => {
      if (cancelled) return;
      if (r.ok) setData(r.value);
      else onError(r.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [call, from, to, version, onError]);

  async function resolve(p: OnlinePaymentView, resolution: OverpaymentResolution) {
    const r = await call('online.resolveOverpayment', {
      commandId: crypto.randomUUID(),
      onlinePaymentRef: p.ref,
      resolution,
      reason: m.resolveDefaultReason,
    });
    if (!r.ok) onError(r.error.message);
    setVersion((v) => v + 1);
  }

  return (
    <Stack gap="xs">
      <Title order={2}>{m.onlineTitle}</Title>
      <Group>
        <TextInput
          type="date"
          label={m.onlineFrom}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={m.onlineTo}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
      </Group>
      {!data || data.days.length === 0 ? (
        <Text c="dimmed">{m.noOnline}</Text>
      ) : (
        data.days.map((d) => (
          <Stack key={d.day} gap={4}>
            <Title order={4}>
              {m.dayHeading(d.day, d.count, formatEuro(d.totalCents), d.anomalyCount)}
            </Title>
            <Table striped data-testid={`online-day-${d.day}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{m.colRefdet}</Table.Th>
                  <Table.Th>{m.colInvoice}</Table.Th>
                  <Table.Th ta="right">{m.colAmount}</Table.Th>
                  <Table.Th>{m.colIdop}</Table.Th>
                  <Table.Th>{m.colNumauto}</Table.Th>
                  <Table.Th>{m.colStatus}</Table.Th>
                  <Table.Th>{m.colAnomalies}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.payments.map((p) => (
                  <Table.Tr key={p.ref}>
                    <Table.Td>{p.refdet ?? '—'}</Table.Td>
                    <Table.Td>
                      {p.invoiceNumber}
                      {p.familyCode ? ` (${p.familyCode})` : ''}
                    </Table.Td>
                    <Table.Td ta="right">{formatEuro(p.amountCents)}</Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {p.idop ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{p.numauto ?? '—'}</Table.Td>
                    <Table.Td>
                      {p.status}
                      {p.bankMatched && (
                        <Badge ml="xs" color="green" variant="light">
                          {m.bankMatched}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        {p.anomalies.map((a) => (
                          <Badge key={a} color="red" variant="light">
                            {onlineAnomalyLabels[a]}
                            {a === 'trop_percu' ? ` ${formatEuro(p.overpaymentCents)}` : ''}
                          </Badge>
                        ))}
                        {p.resolution && (
                          <Text size="xs">
                            {m.resolved(
                              overpaymentResolutionLabels[p.resolution.resolution],
                              formatEuro(p.resolution.amountCents),
                              p.resolution.agentName,
                            )}
                          </Text>
                        )}
                        {props.mayDecide && p.overpaymentCents > 0 && !p.resolution && (
                          <Group gap="xs">
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => void resolve(p, 'avoir')}
                            >
                              {m.resolveAvoir}
                            </Button>
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => void resolve(p, 'remboursement')}
                            >
                              {m.resolveRefund}
                            </Button>
                          </Group>
                        )}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        ))
      )}
    </Stack>
  );
}
