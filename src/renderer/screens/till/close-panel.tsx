// Closing the till: the core says what the till should hold per mode; the agent counts the
// cash, ticks the cheques present and types the card terminal's batch total and the titles'
// totals; each difference is shown as it is typed (déficit in red, excédent in orange) and
// needs a reason. A difference above the tolerance needs the régisseur or the suppléant: the
// closing agent's own session when that is their role, otherwise their login and password
// typed here. After the closing, the Z report is shown and can be saved.
import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  PasswordInput,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type {
  ClosingPreview,
  CloseResult,
  DenominationKey,
  ReportFile,
  TillCountMode,
} from '../../../shared/contract';
import { formatEuro, parseEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { emptyCounts, liveTotal, readCounts } from './cash-count';
import { DenominationGrid } from './denomination-grid';
import { parisDateTime, tillMessages as m } from './messages';
import { useCommandId } from './use-command-id';

interface Props {
  /** The closing agent may validate differences above the tolerance alone. */
  canValidate: boolean;
  onClosed(): void;
  onDone(): void;
}

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; preview: ClosingPreview };

/** Modes whose total the agent types (cash is counted, cheques are ticked). */
const typedModes = ['carte', 'cesu', 'cheque_vacances'] as const satisfies TillCountMode[];
type TypedMode = (typeof typedModes)[number];

function differenceColor(difference: number): string | undefined {
  if (difference < 0) return 'red.8';
  if (difference > 0) return 'orange.8';
  return undefined;
}

export function ClosePanel({ canValidate, onClosed, onDone }: Props) {
  const { call } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [cashFields, setCashFields] = useState(emptyCounts);
  const [invalid, setInvalid] = useState<DenominationKey[]>([]);
  const [ticked, setTicked] = useState<ReadonlySet<number>>(new Set());
  const [typed, setTyped] = useState<Record<TypedMode, string>>({
    carte: '',
    cesu: '',
    cheque_vacances: '',
  });
  const [reasons, setReasons] = useState<Partial<Record<TillCountMode, string>>>({});
  const [askValidator, setAskValidator] = useState(false);
  const [validator, setValidator] = useState({ login: '', password: '' });
  // An error is shown for the content it was about: changing anything clears it.
  const [error, setError] = useState<{ message: string; key: string } | null>(null);
  const [checked, setChecked] = useState(false);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<CloseResult | null>(null);
  const chequesStart = useRef<HTMLDivElement>(null);
  const commandIdFor = useCommandId();

  useEffect(() => {
    let cancelled = false;
    void call('till.closingPreview', {}).then((r) => {
      if (cancelled) return;
      setLoaded(
        r.ok ? { state: 'ready', preview: r.value } : { state: 'failed', message: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call]);

  if (result) return <ClosedView result={result} onDone={onDone} />;
  if (loaded.state === 'loading') {
    return (
      <Stack aria-busy="true" aria-label={m.previewLoading}>
        <Skeleton height={36} width="40%" />
        <Skeleton height={300} />
      </Stack>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <Alert color="red" variant="outline" role="alert" data-testid="till-error">
        {m.previewFailed(loaded.message)}
      </Alert>
    );
  }
  const preview = loaded.preview;
  const shownModes = new Set(preview.modes.map((l) => l.mode));
  const chequeTotal = preview.cheques
    .filter((c) => ticked.has(c.paymentId))
    .reduce((s, c) => s + c.amountCents, 0);
  const typedCents = (mode: TypedMode): number | null =>
    typed[mode].trim() === '' ? 0 : parseEuro(typed[mode]);
  const countedOf = (mode: TillCountMode): number | null =>
    mode === 'especes' ? liveTotal(cashFields) : mode === 'cheque' ? chequeTotal : typedCents(mode);
  const lines = preview.modes.map((l) => {
    const counted = countedOf(l.mode);
    return { ...l, counted, difference: counted === null ? null : counted - l.expectedCents };
  });
  const overTolerance = lines.some(
    (l) => l.difference !== null && Math.abs(l.difference) > preview.toleranceCents,
  );
  const showValidator = askValidator || (!canValidate && overTolerance);
  const contentKey = JSON.stringify([cashFields, [...ticked], typed, reasons, validator]);
  const shownError = error?.key === contentKey ? error.message : null;

  async function submit() {
    if (sending) return;
    setChecked(true);
    const read = readCounts(cashFields);
    setInvalid(read.ok ? [] : read.invalid);
    const unreadable = typedModes.some((t) => shownModes.has(t) && typedCents(t) === null);
    const missingReason = lines.some(
      (l) => l.difference !== 0 && (reasons[l.mode]?.trim().length ?? 0) < 5,
    );
    if (!read.ok || unreadable || missingReason) {
      setError({ message: m.fixCounts, key: contentKey });
      return;
    }
    const content = {
      cashCounts: read.counts,
      chequesPresent: preview.cheques
        .filter((c) => ticked.has(c.paymentId))
        .map((c) => c.paymentId),
      cardBatchCents: typedCents('carte') ?? 0,
      cesuCents: typedCents('cesu') ?? 0,
      chequeVacancesCents: typedCents('cheque_vacances') ?? 0,
      reasons: Object.fromEntries(
        lines
          .filter((l) => l.difference !== 0)
          .map((l) => [l.mode, (reasons[l.mode] ?? '').trim()]),
      ),
      ...(showValidator && validator.login.trim() !== ''
        ? { validator: { login: validator.login.trim(), password: validator.password } }
        : {}),
    };
    setError(null);
    setSending(true);
    const r = await call('till.close', { commandId: commandIdFor(content), ...content });
    setSending(false);
    if (!r.ok) {
      if (r.error.reason === 'VALIDATION_REQUISE') setAskValidator(true);
      setError({
        message: r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message,
        key: contentKey,
      });
      return;
    }
    setResult(r.value);
    onClosed();
  }

  return (
    <form
      noValidate
      aria-labelledby="titre-cloture"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="lg">
        <Title order={2} id="titre-cloture">
          {m.closeTitle}
        </Title>
        <Text>{m.closeHelp}</Text>
        <Stack gap="xs">
          <Title order={3} fz="lg">
            {m.cashCount}
          </Title>
          <DenominationGrid
            idPrefix="close"
            fields={cashFields}
            invalid={invalid}
            onChange={setCashFields}
            onDone={() => chequesStart.current?.querySelector<HTMLElement>('input')?.focus()}
            autoFocus
          />
        </Stack>
        <Stack gap="xs" ref={chequesStart}>
          <Title order={3} fz="lg">
            {m.chequesTitle}
          </Title>
          {preview.cheques.length === 0 ? (
            <Text c="dark.6">{m.noCheques}</Text>
          ) : (
            <>
              <Text fz="sm" c="dark.6">
                {m.chequesHelp}
              </Text>
              {preview.cheques.map((c) => (
                <Checkbox
                  key={c.paymentId}
                  data-testid={`cheque-${c.paymentId}`}
                  checked={ticked.has(c.paymentId)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setTicked((t) => {
                      const next = new Set(t);
                      if (on) next.add(c.paymentId);
                      else next.delete(c.paymentId);
                      return next;
                    });
                  }}
                  label={
                    <Group gap="md" wrap="nowrap">
                      <Text>{m.chequeLine(c.receiptNumber, c.bank, c.number, c.drawer)}</Text>
                      <Text fw={700}>{formatEuro(c.amountCents)}</Text>
                    </Group>
                  }
                />
              ))}
            </>
          )}
        </Stack>
        {typedModes.some((t) => shownModes.has(t)) && (
          <Group gap="lg" align="flex-start">
            {typedModes
              .filter((t) => shownModes.has(t))
              .map((t) => (
                <TextInput
                  key={t}
                  label={
                    t === 'carte'
                      ? m.cardBatch
                      : m.titlesTotal(preview.modes.find((l) => l.mode === t)?.label ?? t)
                  }
                  description={t === 'carte' ? m.cardBatchHelp : undefined}
                  data-testid={`typed-${t}`}
                  inputMode="decimal"
                  rightSection="€"
                  w={300}
                  value={typed[t]}
                  error={typedCents(t) === null ? m.amountInvalid : undefined}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setTyped((s) => ({ ...s, [t]: value }));
                  }}
                />
              ))}
          </Group>
        )}
        <Stack gap="xs">
          <Title order={3} fz="lg">
            {m.summaryTitle}
          </Title>
          <Table withTableBorder striped={false} data-testid="closing-lines" fz="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.colMode}</Table.Th>
                <Table.Th ta="right">{m.colExpected}</Table.Th>
                <Table.Th ta="right">{m.colCounted}</Table.Th>
                <Table.Th ta="right">{m.colDifference}</Table.Th>
                <Table.Th>{m.colReason}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((l) => (
                <Table.Tr key={l.mode} data-testid={`closing-line-${l.mode}`}>
                  <Table.Td fw={600}>{l.label}</Table.Td>
                  <Table.Td ta="right">{formatEuro(l.expectedCents)}</Table.Td>
                  <Table.Td ta="right">{l.counted === null ? '—' : formatEuro(l.counted)}</Table.Td>
                  <Table.Td ta="right">
                    {l.difference === null ? (
                      '—'
                    ) : (
                      <Text
                        span
                        fw={l.difference === 0 ? 400 : 800}
                        c={differenceColor(l.difference)}
                        data-testid={`difference-${l.mode}`}
                      >
                        {l.difference === 0
                          ? m.balanced
                          : `${l.difference < 0 ? m.deficit : m.excess} ${formatEuro(l.difference)}`}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {l.difference !== null && l.difference !== 0 && (
                      <TextInput
                        aria-label={m.reasonLabel(l.label)}
                        data-testid={`reason-${l.mode}`}
                        value={reasons[l.mode] ?? ''}
                        error={
                          checked && (reasons[l.mode]?.trim().length ?? 0) < 5
                            ? m.reasonMissing
                            : undefined
                        }
                        onChange={(e) => {
                          const value = e.currentTarget.value;
                          setReasons((r) => ({ ...r, [l.mode]: value }));
                        }}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text fz="sm" c="dark.6">
            {m.tolerance(preview.toleranceCents)}
          </Text>
        </Stack>
        {showValidator && (
          <Stack gap="xs" maw={640} data-testid="validator-fields">
            <Title order={3} fz="lg">
              {m.validatorTitle}
            </Title>
            <Text fz="sm">{m.validatorHelp}</Text>
            <Group grow>
              <TextInput
                label={m.validatorLogin}
                autoComplete="off"
                data-testid="validator-login"
                value={validator.login}
                onChange={(e) => {
                  const login = e.currentTarget.value;
                  setValidator((v) => ({ ...v, login }));
                }}
              />
              <PasswordInput
                label={m.validatorPassword}
                autoComplete="off"
                data-testid="validator-password"
                value={validator.password}
                onChange={(e) => {
                  const password = e.currentTarget.value;
                  setValidator((v) => ({ ...v, password }));
                }}
              />
            </Group>
          </Stack>
        )}
        {shownError && (
          <Alert color="red" variant="outline" role="alert" data-testid="till-error">
            {shownError}
          </Alert>
        )}
        <div>
          <Button type="submit" size="md" color="red" loading={sending} data-testid="close-submit">
            {m.closeSubmit}
          </Button>
        </div>
      </Stack>
    </form>
  );
}

function ClosedView({ result, onDone }: { result: CloseResult; onDone(): void }) {
  const { call } = useGuichet();
  const [report, setReport] = useState<{ file: ReportFile | null; error: string | null }>({
    file: null,
    error: null,
  });
  const done = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    done.current?.focus();
    void call('till.zReport', { sessionId: result.sessionId }).then((r) => {
      if (cancelled) return;
      setReport(
        r.ok ? { file: r.value, error: null } : { file: null, error: m.zFailed(r.error.message) },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, result.sessionId]);

  return (
    <Stack gap="md" data-testid="till-closed">
      <Alert color="green" variant="outline" role="status">
        <Text fw={700}>{m.closed_(parisDateTime(result.closedAt))}</Text>
        <Text>{m.floatLeft(result.floatLeftCents)}</Text>
      </Alert>
      <Table withTableBorder fz="md" maw={900}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{m.colMode}</Table.Th>
            <Table.Th ta="right">{m.colExpected}</Table.Th>
            <Table.Th ta="right">{m.colCounted}</Table.Th>
            <Table.Th ta="right">{m.colDifference}</Table.Th>
            <Table.Th>{m.colReason}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.lines.map((l) => (
            <Table.Tr key={l.mode}>
              <Table.Td fw={600}>{l.label}</Table.Td>
              <Table.Td ta="right">{formatEuro(l.expectedCents)}</Table.Td>
              <Table.Td ta="right">{formatEuro(l.countedCents)}</Table.Td>
              <Table.Td ta="right">
                <Text
                  span
                  fw={l.differenceCents ? 800 : 400}
                  c={differenceColor(l.differenceCents)}
                >
                  {l.differenceCents === 0 ? m.balanced : formatEuro(l.differenceCents)}
                </Text>
              </Table.Td>
              <Table.Td>{l.reason ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3} fz="lg">
        {m.zTitle}
      </Title>
      <ReceiptViewer file={report.file} busy={!report.file && !report.error} error={report.error} />
      <div>
        <Button ref={done} variant="default" onClick={onDone} data-testid="till-done">
          {m.done}
        </Button>
      </div>
    </Stack>
  );
}
