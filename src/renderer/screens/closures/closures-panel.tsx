// The closures tab of the office screen (F7): for each régie, the periods that are over and
// still to close, oldest first, each with its "Clôturer" button (régisseur and suppléant only)
// or the reason it must wait; a confirmation that says what the closing will also close; and
// the closures made, newest first, with their figures and their PDF (the "état des recettes"
// for a month). Every action is a button reached with Tab and pressed with Entrée.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Modal,
  Paper,
  SegmentedControl,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconFileText, IconLock } from '@tabler/icons-react';
import type {
  ClosureKind,
  ClosurePending,
  ClosureStatus,
  ClosureView,
  ReportFile,
  SessionView,
} from '../../../shared/contract';
import { closureKinds } from '../../../shared/contract/closures';
import { formatInstant } from '../../../shared/dates';
import { formatEuro } from '../../../shared/money';
import { can } from '../../../shared/roles';
import { useGuichet } from '../../guichet-context';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { useCommandId } from '../till/use-command-id';
import { closureMessages as m } from './messages';

type Loaded<T> =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; value: T };
type KindFilter = ClosureKind | 'toutes';

interface Target {
  regie: ClosureStatus;
  pending: ClosurePending;
}

type Report = {
  closure: ClosureView;
  file: ReportFile | null;
  error: string | null;
};

export function ClosuresPanel({ session }: { session: SessionView }) {
  const { call } = useGuichet();
  const mayClose = can(session.agent.role, 'validate');
  const [status, setStatus] = useState<Loaded<ClosureStatus[]>>({ state: 'loading' });
  const [closures, setClosures] = useState<Loaded<ClosureView[]>>({ state: 'loading' });
  const [filter, setFilter] = useState<KindFilter>('toutes');
  const [target, setTarget] = useState<Target | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [version, setVersion] = useState(0);
  const listHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let cancelled = false;
    void call('closures.status', {}).then((r) => {
      if (!cancelled) {
        setStatus(
          r.ok ? { state: 'ready', value: r.value } : { state: 'failed', message: r.error.message },
        );
      }
    });
    return () => {
      cancelled = true;
    };
  }, [call, version]);

  useEffect(() => {
    let cancelled = false;
    void call('closures.list', {
      limit: 200,
      ...(filter === 'toutes' ? {} : { kind: filter }),
    }).then((r) => {
      if (!cancelled) {
        setClosures(
          r.ok ? { state: 'ready', value: r.value } : { state: 'failed', message: r.error.message },
        );
      }
    });
    return () => {
      cancelled = true;
    };
  }, [call, filter, version]);

  const openReport = useCallback(
    async (closure: ClosureView) => {
      setReport({ closure, file: null, error: null });
      const r = await call('closures.report', { closureId: closure.closureId });
      setReport((cur) =>
        cur?.closure.closureId === closure.closureId
          ? { closure, file: r.ok ? r.value : null, error: r.ok ? null : r.error.message }
          : cur,
      );
    },
    [call],
  );

  return (
    <Stack gap="lg" data-testid="closures-panel">
      <Text c="dark.7" maw={900}>
        {m.intro}
      </Text>
      {!mayClose && (
        <Alert
          color="gray"
          variant="outline"
          icon={<IconLock aria-hidden size={20} />}
          data-testid="closures-no-right"
        >
          {m.noRight}
        </Alert>
      )}

      {status.state === 'loading' && (
        <Stack aria-busy="true" aria-label={m.loading}>
          <Skeleton height={140} />
        </Stack>
      )}
      {status.state === 'failed' && (
        <Alert color="red" variant="outline" role="alert">
          {m.loadFailed(status.message)}
        </Alert>
      )}
      {status.state === 'ready' && status.value.length === 0 && <Text>{m.noRegie}</Text>}
      {status.state === 'ready' &&
        status.value.map((regie) => (
          <RegieCard
            key={regie.regieId}
            regie={regie}
            mayClose={mayClose}
            onClose={(pending) => setTarget({ regie, pending })}
          />
        ))}

      <Group justify="space-between" align="flex-end" mt="md">
        <Title order={2} ref={listHeading} tabIndex={-1}>
          {m.listTitle}
        </Title>
        <div>
          <Text component="span" fw={500} id="clotures-filtre" display="block" mb={4}>
            {m.listFilter}
          </Text>
          <SegmentedControl
            aria-labelledby="clotures-filtre"
            value={filter}
            onChange={(v) => setFilter(v as KindFilter)}
            data={[
              { value: 'toutes', label: m.filterAll },
              ...closureKinds.map((k) => ({ value: k, label: m.filterKind[k] })),
            ]}
          />
        </div>
      </Group>
      {closures.state === 'loading' && <Skeleton height={120} aria-label={m.loading} />}
      {closures.state === 'failed' && (
        <Alert color="red" variant="outline" role="alert">
          {m.loadFailed(closures.message)}
        </Alert>
      )}
      {closures.state === 'ready' && (
        <ClosureTable closures={closures.value} onReport={(c) => void openReport(c)} />
      )}

      {target && (
        <ConfirmDialog
          target={target}
          onClose={(closed) => {
            setTarget(null);
            if (closed) {
              setVersion((v) => v + 1);
              // The row that was pressed is gone: the list of closures is where the new one is.
              requestAnimationFrame(() => listHeading.current?.focus());
            }
          }}
          onReport={(c) => {
            setTarget(null);
            setVersion((v) => v + 1);
            void openReport(c);
          }}
        />
      )}

      <Modal
        opened={report !== null}
        onClose={() => setReport(null)}
        title={
          report
            ? m.reportTitle(report.closure.kind, report.closure.period, report.closure.regieCode)
            : ''
        }
        size="xl"
        styles={{ title: { fontWeight: 700, fontSize: '1.25rem' } }}
      >
        {report && (
          <Stack>
            <ReceiptViewer
              file={report.file}
              busy={!report.file && !report.error}
              error={report.error}
              downloadLabel={m.download}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setReport(null)} data-autofocus>
                {m.close}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function RegieCard({
  regie,
  mayClose,
  onClose,
}: {
  regie: ClosureStatus;
  mayClose: boolean;
  onClose(p: ClosurePending): void;
}) {
  const headingId = `cloture-regie-${regie.regieId}`;
  const blockingTills = regie.openTills.filter((t) =>
    regie.pending.some((p) => t.openedAt < p.periodEnd),
  );
  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      component="section"
      aria-labelledby={headingId}
      data-regie={regie.regieCode}
    >
      <Stack gap="sm">
        <Title order={2} fz="xl" id={headingId}>
          {m.regieTitle(regie.regieCode, regie.regieName)}
        </Title>
        <Group gap="lg" aria-label={m.lastClosed}>
          {closureKinds.map((k) => (
            <Text key={k} c="dark.7">
              {m.lastClosedValue(k, regie.lastClosed[k])}
            </Text>
          ))}
        </Group>
        {blockingTills.length > 0 && (
          <Alert color="orange" variant="outline" role="status">
            {m.openTills(
              blockingTills
                .map((t) => m.openTill(t.posteCode, formatInstant(t.openedAt)))
                .join(', '),
            )}
          </Alert>
        )}
        {regie.pending.length === 0 ? (
          <Text fw={600} c="green.9" data-testid="closures-nothing-pending">
            {m.nothingPending}
          </Text>
        ) : (
          <>
            <Title order={3} fz="lg">
              {m.pendingTitle}
            </Title>
            <Text fz="sm" c="dark.6">
              {m.pendingHelp}
            </Text>
            <Table.ScrollContainer minWidth={640}>
              <Table withTableBorder fz="md" data-testid="closures-pending">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{m.colPeriod}</Table.Th>
                    <Table.Th>{m.colKind}</Table.Th>
                    <Table.Th>{m.colActivity}</Table.Th>
                    <Table.Th>{m.colAction}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {regie.pending.map((p) => (
                    <Table.Tr
                      key={`${p.kind}-${p.period}`}
                      data-period={p.period}
                      data-kind={p.kind}
                    >
                      <Table.Td fw={700}>{m.periodLabel(p.kind, p.period)}</Table.Td>
                      <Table.Td>{m.kindLabel(p.kind)}</Table.Td>
                      <Table.Td c={p.hasActivity ? undefined : 'dark.5'}>
                        {m.activity(p.hasActivity)}
                      </Table.Td>
                      <Table.Td>
                        {p.waitsFor ? (
                          <Text fz="sm" c="dark.6" title={p.blockedBy ?? undefined}>
                            {m.waitsFor(p.waitsFor.kind, p.waitsFor.period)}
                          </Text>
                        ) : p.blockedBy ? (
                          <Text fz="sm" c="orange.9">
                            {p.blockedBy}
                          </Text>
                        ) : mayClose ? (
                          <Button
                            size="sm"
                            onClick={() => onClose(p)}
                            aria-label={`${m.closeButton(p.kind, p.period)}${m.alsoCloses(
                              p.alsoCloses.filter((a) => a.kind === 'jour').length,
                              p.alsoCloses.filter((a) => a.kind === 'mois').length,
                            )}`}
                            data-testid={`close-${p.kind}-${p.period}`}
                          >
                            {m.closeShort}
                            {m.alsoCloses(
                              p.alsoCloses.filter((a) => a.kind === 'jour').length,
                              p.alsoCloses.filter((a) => a.kind === 'mois').length,
                            )}
                          </Button>
                        ) : (
                          <Text fz="sm" c="dark.6">
                            {m.validatorOnly}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Paper>
  );
}

type Sending =
  | { kind: 'idle'; error: string | null }
  | { kind: 'sending' }
  | { kind: 'done'; closure: ClosureView; alsoClosed: ClosureView[] };

function ConfirmDialog({
  target,
  onClose,
  onReport,
}: {
  target: Target;
  onClose(closed: boolean): void;
  onReport(c: ClosureView): void;
}) {
  const { call } = useGuichet();
  const [state, setState] = useState<Sending>({ kind: 'idle', error: null });
  const commandIdFor = useCommandId();
  const sending = useRef(false);
  const { regie, pending: p } = target;

  async function confirm() {
    if (sending.current) return;
    sending.current = true;
    const content = { regieId: regie.regieId, kind: p.kind, period: p.period };
    setState({ kind: 'sending' });
    const r = await call('closures.close', { commandId: commandIdFor(content), ...content });
    sending.current = false;
    if (!r.ok) {
      setState({
        kind: 'idle',
        error: r.error.code === 'INTERNE' ? `${r.error.message} ${m.retrySame}` : r.error.message,
      });
      return;
    }
    setState({ kind: 'done', closure: r.value.closure, alsoClosed: r.value.alsoClosed });
  }

  const done = state.kind === 'done' ? state : null;
  return (
    <Modal
      opened
      onClose={() => {
        if (state.kind !== 'sending') onClose(done !== null);
      }}
      title={m.confirmTitle(p.kind, p.period, regie.regieCode)}
      size="lg"
      styles={{ title: { fontWeight: 700, fontSize: '1.25rem' } }}
      closeOnClickOutside={false}
    >
      {done ? (
        <Stack>
          <Alert color="green" variant="outline" role="status" data-testid="closure-done">
            <Stack gap={4}>
              <Text fw={700}>{m.done(done.closure.kind, done.closure.period)}</Text>
              {done.alsoClosed.length > 0 && (
                <Text>{m.doneAlso(done.alsoClosed.length, done.closure.kind)}</Text>
              )}
              <Text fz="xl" fw={700}>
                {m.doneFigures(done.closure.totals.netCents, done.closure.totals.paymentCount)}
              </Text>
              <Text fz="sm">
                {m.doneJournal(done.closure.journalSeq, done.closure.verificationCode)}
              </Text>
            </Stack>
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose(true)}>
              {m.close}
            </Button>
            <Button
              leftSection={<IconFileText aria-hidden size={18} />}
              onClick={() => onReport(done.closure)}
              data-autofocus
              data-testid="closure-show-report"
            >
              {m.showReport(done.closure.kind)}
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
            <Text>{m.confirmText(p.kind, p.period)}</Text>
            {p.alsoCloses.length > 0 && (
              <div>
                <Text fw={600}>{m.confirmAlso(p.alsoCloses.length)}</Text>
                <List size="sm" mt={4} data-testid="closure-also">
                  {p.alsoCloses.map((a) => (
                    <List.Item key={`${a.kind}-${a.period}`}>
                      {m.kindLabel(a.kind)} : {m.periodLabel(a.kind, a.period)}
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
            {!p.hasActivity && (
              <Text c="dark.6" fz="sm">
                {m.confirmEmpty}
              </Text>
            )}
            {state.kind === 'idle' && state.error && (
              <Alert color="red" variant="outline" role="alert" data-testid="closure-error">
                {state.error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => onClose(false)}
                disabled={state.kind === 'sending'}
              >
                {m.cancel}
              </Button>
              <Button
                type="submit"
                color="red"
                loading={state.kind === 'sending'}
                data-autofocus
                data-testid="closure-confirm"
              >
                {m.confirm}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function ClosureTable({
  closures,
  onReport,
}: {
  closures: ClosureView[];
  onReport(c: ClosureView): void;
}) {
  if (closures.length === 0) return <Text c="dark.6">{m.listEmpty}</Text>;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table withTableBorder striped fz="md" data-testid="closures-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{m.colPeriod}</Table.Th>
            <Table.Th>{m.colRegie}</Table.Th>
            <Table.Th ta="right">{m.colCount}</Table.Th>
            <Table.Th ta="right">{m.colCollected}</Table.Th>
            <Table.Th ta="right">{m.colCancelled}</Table.Th>
            <Table.Th ta="right">{m.colNet}</Table.Th>
            <Table.Th>{m.colClosed}</Table.Th>
            <Table.Th>{m.colCode}</Table.Th>
            <Table.Th>{m.colDocument}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {closures.map((c) => (
            <Table.Tr key={c.closureId} data-closure={`${c.kind}-${c.period}`}>
              <Table.Td>
                <Text fw={700}>{m.periodLabel(c.kind, c.period)}</Text>
                <Badge
                  variant="light"
                  color={c.kind === 'mois' ? 'blue' : c.kind === 'annee' ? 'grape' : 'gray'}
                  radius="sm"
                >
                  {m.kindLabel(c.kind)}
                </Badge>
              </Table.Td>
              <Table.Td>{c.regieCode}</Table.Td>
              <Table.Td ta="right">{c.totals.paymentCount}</Table.Td>
              <Table.Td ta="right">{formatEuro(c.totals.collectedCents)}</Table.Td>
              <Table.Td ta="right">{formatEuro(c.totals.cancelledCents)}</Table.Td>
              <Table.Td ta="right" fw={700} fz="lg" c={c.totals.netCents < 0 ? 'red.9' : undefined}>
                {formatEuro(c.totals.netCents)}
              </Table.Td>
              <Table.Td>
                <Text fz="sm">{formatInstant(c.closedAt)}</Text>
                <Text fz="sm" c="dark.6">
                  {c.closedWith
                    ? m.closedWith(c.closedWith.kind, c.closedWith.period)
                    : m.closedBy(c.closedBy)}
                </Text>
              </Table.Td>
              <Table.Td ff="monospace">{c.verificationCode}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconFileText aria-hidden size={16} />}
                  aria-label={m.viewReportLabel(c.kind, c.period)}
                  onClick={() => onReport(c)}
                >
                  {m.viewReport}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
