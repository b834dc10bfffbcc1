// The deposit slip of one régie and kind: the cheques (or titles) still to remit, ticked one by
// one (Space on a line) or all at once up to a date, the running count and total, the draft
// saved for the régisseur, its validation (régisseur or suppléant only, confirmed inline), the
// slip's PDF and the slips already validated with their adjustments.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { DepositCandidate, SlipKind, SlipView } from '../../../shared/contract';
import { parisDate } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { useGuichet } from '../../guichet-context';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { useCommandId } from '../till/use-command-id';
import { depositMessages as m, parisShort } from './messages';
import { useDocument } from './use-document';

interface Props {
  regieId: number;
  kind: SlipKind;
  canValidate: boolean;
}

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; candidates: DepositCandidate[]; slips: SlipView[] };

/** The payment ids a draft will remit (its lines not cancelled since). */
const liveIds = (draft: SlipView | undefined): number[] =>
  draft ? draft.lines.filter((l) => l.cancelled === null).map((l) => l.paymentId) : [];

const sameSet = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length &&
  [...a].sort((x, y) => x - y).join() === [...b].sort((x, y) => x - y).join();

export function SlipSection({ regieId, kind, canValidate }: Props) {
  const { call } = useGuichet();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [upTo, setUpTo] = useState('');
  const [upToError, setUpToError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const { doc, show } = useDocument();
  const commandIdFor = useCommandId();

  useEffect(() => {
    let cancelled = false;
    void Promise.all([
      call('deposits.candidates', { regieId, kind }),
      call('deposits.list', { regieId, kind, limit: 50 }),
    ]).then(([c, l]) => {
      if (cancelled) return;
      if (!c.ok || !l.ok) {
        const failure = !c.ok ? c.error.message : !l.ok ? l.error.message : '';
        setLoaded({ state: 'failed', message: failure });
        return;
      }
      setLoaded({ state: 'ready', candidates: c.value, slips: l.value });
      const draft = l.value.find((s) => s.status === 'draft');
      setSelected(new Set(liveIds(draft)));
    });
    return () => {
      cancelled = true;
    };
  }, [call, regieId, kind, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const candidates = useMemo(() => (loaded.state === 'ready' ? loaded.candidates : []), [loaded]);
  const slips = loaded.state === 'ready' ? loaded.slips : [];
  const draft = slips.find((s) => s.status === 'draft');
  const history = slips.filter((s) => s.status === 'validated');
  const picked = candidates.filter((c) => selected.has(c.paymentId));
  const pickedIds = picked.map((c) => c.paymentId);
  const total = picked.reduce((s, c) => s + c.amountCents, 0);
  const draftIds = liveIds(draft);
  const draftMatches = draft !== undefined && sameSet(draftIds, pickedIds);

  function toggle(id: number, on: boolean) {
    setConfirming(false);
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function selectAll(on: boolean) {
    setConfirming(false);
    setSelected(
      new Set(on ? candidates.filter((c) => c.sessionClosed).map((c) => c.paymentId) : []),
    );
  }

  function selectUpTo() {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(upTo)) {
      setUpToError(m.upToInvalid);
      return;
    }
    setUpToError(null);
    setConfirming(false);
    setSelected(
      new Set(
        candidates
          .filter((c) => c.sessionClosed && parisDate(new Date(c.recordedAt)) <= upTo)
          .map((c) => c.paymentId),
      ),
    );
  }

  async function saveDraft() {
    if (sending) return;
    if (pickedIds.length === 0) {
      setError(m.emptySelection);
      return;
    }
    setError(null);
    setDone(null);
    setSending(true);
    const content = { op: 'draft', regieId, kind, paymentIds: pickedIds };
    const r = await call('deposits.draft', {
      commandId: commandIdFor(content),
      regieId,
      kind,
      paymentIds: pickedIds,
    });
    setSending(false);
    if (!r.ok) {
      setError(r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message);
      return;
    }
    setDone(m.draftSaved(kind, r.value.slip.count, r.value.slip.totalCents));
    reload();
  }

  async function validate() {
    if (sending || !draft) return;
    setError(null);
    setDone(null);
    setSending(true);
    const content = { op: 'validate', slipId: draft.slipId, ids: draftIds };
    const r = await call('deposits.validate', {
      commandId: commandIdFor(content),
      slipId: draft.slipId,
    });
    setSending(false);
    setConfirming(false);
    if (!r.ok) {
      setError(r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message);
      reload();
      return;
    }
    const slip = r.value.slip;
    setDone(
      [m.validated(slip.number ?? '', kind, slip.count, slip.totalCents), ...slip.notices].join(
        ' ',
      ),
    );
    show(() => call('deposits.slipPdf', { slipId: slip.slipId }));
    reload();
  }

  if (loaded.state === 'loading') {
    return (
      <Stack aria-busy="true" aria-label={m.candidatesLoading}>
        <Skeleton height={28} width="30%" />
        <Skeleton height={200} />
      </Stack>
    );
  }
  if (loaded.state === 'failed') {
    return (
      <Alert color="red" variant="outline" role="alert" data-testid="deposit-error">
        {m.candidatesFailed(loaded.message)}
      </Alert>
    );
  }

  return (
    <Stack gap="lg">
      <Stack gap="sm">
        <Title order={2} fz="xl">
          {m.candidatesTitle}
        </Title>
        {candidates.length === 0 ? (
          <Text c="dark.6" data-testid="deposit-no-candidate">
            {m.noCandidate(kind)}
          </Text>
        ) : (
          <>
            <Text fz="sm" c="dark.6">
              {m.candidatesHelp}
            </Text>
            <Group gap="sm" align="flex-end" wrap="wrap">
              <Button
                variant="light"
                onClick={() => selectAll(true)}
                data-testid="deposit-select-all"
              >
                {m.selectAll}
              </Button>
              <Button
                variant="subtle"
                onClick={() => selectAll(false)}
                data-testid="deposit-select-none"
              >
                {m.selectNone}
              </Button>
              <TextInput
                type="date"
                label={m.upTo}
                description={m.upToHelp}
                data-testid="deposit-up-to"
                value={upTo}
                error={upToError}
                onChange={(e) => setUpTo(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    selectUpTo();
                  }
                }}
              />
              <Button variant="light" onClick={selectUpTo} data-testid="deposit-select-up-to">
                {m.selectUpTo}
              </Button>
            </Group>
            <Table.ScrollContainer minWidth={800} mah={420}>
              <Table
                striped
                highlightOnHover
                withTableBorder
                stickyHeader
                fz="md"
                data-testid="deposit-candidates"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={150}>{m.colSelect}</Table.Th>
                    <Table.Th>{m.colDate}</Table.Th>
                    <Table.Th>{m.colReceipt}</Table.Th>
                    <Table.Th>{m.colFamily}</Table.Th>
                    <Table.Th>{m.colNumber(kind)}</Table.Th>
                    <Table.Th>{m.colBank(kind)}</Table.Th>
                    <Table.Th>{m.colDrawer(kind)}</Table.Th>
                    <Table.Th ta="right">{m.colAmount}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {candidates.map((c) => (
                    <Table.Tr
                      key={c.paymentId}
                      data-testid={`deposit-row-${c.paymentId}`}
                      bg={selected.has(c.paymentId) ? 'var(--mantine-color-blue-light)' : undefined}
                      onClick={(e) => {
                        // A click anywhere on the line ticks it; the box handles its own clicks.
                        if (!c.sessionClosed) return;
                        if (e.target instanceof HTMLInputElement) return;
                        toggle(c.paymentId, !selected.has(c.paymentId));
                      }}
                      style={{ cursor: c.sessionClosed ? 'pointer' : 'default' }}
                    >
                      <Table.Td>
                        {c.sessionClosed ? (
                          <Checkbox
                            size="md"
                            aria-label={m.selectLine(c.receiptNumber)}
                            data-testid={`deposit-candidate-${c.paymentId}`}
                            checked={selected.has(c.paymentId)}
                            onChange={(e) => toggle(c.paymentId, e.currentTarget.checked)}
                          />
                        ) : (
                          <Badge color="orange" variant="light" title={m.sessionOpenHelp}>
                            {m.sessionOpen}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{parisShort(c.recordedAt)}</Table.Td>
                      <Table.Td>{c.receiptNumber}</Table.Td>
                      <Table.Td>{c.familyName}</Table.Td>
                      <Table.Td>{c.number}</Table.Td>
                      <Table.Td>{c.bank}</Table.Td>
                      <Table.Td>{c.drawer}</Table.Td>
                      <Table.Td ta="right" fw={600}>
                        {formatEuro(c.amountCents)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>

      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group gap="xl" align="baseline" aria-live="polite">
            <Text fw={600} fz="lg">
              {m.selection}
            </Text>
            <Text fw={800} fz={28} data-testid="deposit-selection-count">
              {m.selectionCount(kind, picked.length)}
            </Text>
            <Text fw={800} fz={36} data-testid="deposit-selection-total">
              {formatEuro(total)}
            </Text>
          </Group>
          {draft && (
            <Text fz="sm" data-testid="deposit-draft-info">
              {m.draftInfo(draft.createdBy, parisShort(draft.createdAt))}
            </Text>
          )}
          {draft?.notices.map((n) => (
            <Alert key={n} color="orange" variant="outline">
              {n}
            </Alert>
          ))}
          {draft && !draftMatches && (
            <Text fz="sm" c="orange.9">
              {m.draftChanged}
            </Text>
          )}
          <Group gap="sm" wrap="wrap">
            <Button
              size="md"
              onClick={() => void saveDraft()}
              loading={sending && !confirming}
              disabled={picked.length === 0 || draftMatches}
              data-testid="deposit-save-draft"
            >
              {m.saveDraft}
            </Button>
            {draft && (
              <Button
                size="md"
                variant="outline"
                onClick={() => show(() => call('deposits.slipPdf', { slipId: draft.slipId }))}
                data-testid="deposit-draft-pdf"
              >
                {m.draftPdf}
              </Button>
            )}
            <Button
              size="md"
              color="green"
              disabled={!canValidate || !draftMatches || sending}
              onClick={() => setConfirming(true)}
              data-testid="deposit-validate"
            >
              {m.validate}
            </Button>
          </Group>
          {!canValidate && (
            <Text fz="sm" c="dark.6" data-testid="deposit-validate-help">
              {m.validateOnlyRegisseur}
            </Text>
          )}
          {confirming && draft && (
            <Alert
              color="green"
              variant="outline"
              title={m.confirmTitle}
              data-testid="deposit-confirm"
            >
              <Stack gap="sm">
                <Text>{m.confirmText(kind, draft.count, draft.totalCents)}</Text>
                <Group gap="sm">
                  <Button
                    color="green"
                    onClick={() => void validate()}
                    loading={sending}
                    autoFocus
                    data-testid="deposit-validate-confirm"
                  >
                    {m.confirm}
                  </Button>
                  <Button variant="subtle" onClick={() => setConfirming(false)}>
                    {m.cancel}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {error && (
            <Alert color="red" variant="outline" role="alert" data-testid="deposit-error">
              {error}
            </Alert>
          )}
          {done && (
            <Alert color="green" variant="outline" role="status" data-testid="deposit-done">
              {done}
            </Alert>
          )}
        </Stack>
      </Paper>

      {(doc.file || doc.busy || doc.error) && (
        <ReceiptViewer
          file={doc.file}
          busy={doc.busy}
          error={doc.error}
          downloadLabel={m.slipDownload}
        />
      )}

      <Stack gap="sm">
        <Title order={2} fz="xl">
          {m.historyTitle}
        </Title>
        {history.length === 0 ? (
          <Text c="dark.6">{m.noHistory}</Text>
        ) : (
          <Table withTableBorder fz="md" data-testid="deposit-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{m.colSlip}</Table.Th>
                <Table.Th>{m.colValidated}</Table.Th>
                <Table.Th ta="right">{m.colCount}</Table.Th>
                <Table.Th ta="right">{m.colTotal}</Table.Th>
                <Table.Th ta="right">{m.colAdjusted}</Table.Th>
                <Table.Th>{m.colPdf}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.map((s) => (
                <SlipRow
                  key={s.slipId}
                  slip={s}
                  onPdf={() => show(() => call('deposits.slipPdf', { slipId: s.slipId }))}
                />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Stack>
  );
}

function SlipRow({ slip, onPdf }: { slip: SlipView; onPdf(): void }) {
  return (
    <>
      <Table.Tr data-testid={`deposit-slip-${slip.slipId}`}>
        <Table.Td fw={700}>{slip.number}</Table.Td>
        <Table.Td>
          {slip.validatedAt ? parisShort(slip.validatedAt) : ''} — {slip.validatedBy}
        </Table.Td>
        <Table.Td ta="right">{slip.count}</Table.Td>
        <Table.Td ta="right">{formatEuro(slip.totalCents)}</Table.Td>
        <Table.Td
          ta="right"
          c={slip.adjustments.length ? 'red.8' : undefined}
          fw={slip.adjustments.length ? 700 : 400}
        >
          {slip.adjustments.length ? formatEuro(slip.adjustedTotalCents) : '—'}
        </Table.Td>
        <Table.Td>
          <Button
            size="xs"
            variant="outline"
            onClick={onPdf}
            aria-label={m.pdfOf(slip.number ?? '')}
            data-testid={`deposit-slip-pdf-${slip.slipId}`}
          >
            {m.pdf}
          </Button>
        </Table.Td>
      </Table.Tr>
      {slip.adjustments.map((a) => (
        <Table.Tr key={a.paymentId}>
          <Table.Td colSpan={6}>
            <Text fz="sm" c="red.8">
              {m.adjustment(a.receiptNumber, a.amountCents, parisShort(a.at), a.reason)}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </>
  );
}
