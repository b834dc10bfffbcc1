// « Coupons » in the office screen: every family with something due in a régie (for one billing
// period, or everything due) gets its coupon, all in one PDF sorted by postal code for mailing,
// with new activation codes if asked. The core builds it in the background; this panel starts
// it, shows its progress (polling coupons.batchStatus), can cancel it (nothing is kept), then
// shows the first pages and offers to print or save the file.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Progress,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconDownload, IconMailForward, IconPlayerStop, IconPrinter } from '@tabler/icons-react';
import type { CashPosition, CouponBatchStatus, ReportFile } from '../../../shared/contract';
import { parisDate } from '../../../shared/dates';
import { useGuichet } from '../../guichet-context';
import { printDocument, type PrintResult } from '../../printing/print-document';
import { printingMessages as pm } from '../../printing/messages';
import { base64ToBytes, drawPdfPages } from '../../receipts/pdf-preview';
import { formatPeriod } from '../family/format';
import { billingMonths, progressPercent } from './format';
import { batchMessages as m } from './messages';

/** How often a running batch is asked for its progress. */
export const POLL_MS = 400;
/**
 * Pages of a finished batch drawn on screen: a batch has a page per family, and drawing them
 * all would freeze the counter; the first ones are enough to check the layout before printing.
 */
const PREVIEW_SCALE = 0.9;
const PREVIEW_PAGES = 2;
/** How long a saved batch's object URL lives: long enough for the browser to have read it. */
const DOWNLOAD_URL_LIFETIME_MS = 120_000;

// The batch followed by this panel, kept when the agent leaves the tab or the office screen:
// the core goes on building it, and coming back shows its progress again.
let followedJob: string | null = null;

type Regies =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; regies: CashPosition[] };

type FileState = { jobId: string } & (
  { state: 'failed'; message: string } | { state: 'ready'; file: ReportFile }
);

export function CouponBatchPanel() {
  const { call } = useGuichet();
  const [regies, setRegies] = useState<Regies>({ state: 'loading' });
  const [regieId, setRegieId] = useState<number | null>(null);
  const [period, setPeriod] = useState<string>('');
  const [issueCodes, setIssueCodes] = useState(false);
  const [job, setJob] = useState<CouponBatchStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [fileState, setFileState] = useState<FileState | null>(null);
  const command = useRef<{ key: string; id: string } | null>(null);
  const [months] = useState(() => billingMonths(parisDate(new Date())));

  useEffect(() => {
    let cancelled = false;
    void call('till.status', {}).then((r) => {
      if (cancelled) return;
      setRegies(
        r.ok
          ? { state: 'ready', regies: r.value.cash }
          : { state: 'failed', message: r.error.message },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call]);

  // Back on a batch started earlier: its progress (or result) is shown again.
  useEffect(() => {
    const jobId = followedJob;
    if (!jobId) return;
    let cancelled = false;
    void call('coupons.batchStatus', { jobId }).then((r) => {
      if (cancelled) return;
      if (r.ok) setJob(r.value);
      else followedJob = null;
    });
    return () => {
      cancelled = true;
    };
  }, [call]);

  const running = job?.state === 'en_cours';
  const jobId = job?.jobId ?? null;

  useEffect(() => {
    if (!running || !jobId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      void call('coupons.batchStatus', { jobId }).then((r) => {
        if (stopped) return;
        if (r.ok) {
          setJob(r.value);
          if (r.value.state === 'en_cours') timer = setTimeout(poll, POLL_MS);
        } else {
          setError(m.pollFailed(r.error.message));
        }
      });
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [call, running, jobId]);

  const finishedFile = job?.state === 'termine' && job.fileName !== null ? job.jobId : null;
  useEffect(() => {
    if (!finishedFile) return;
    let cancelled = false;
    void call('coupons.batchFile', { jobId: finishedFile }).then((r) => {
      if (cancelled) return;
      setFileState(
        r.ok
          ? { jobId: finishedFile, state: 'ready', file: r.value }
          : { jobId: finishedFile, state: 'failed', message: m.fileFailed(r.error.message) },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [call, finishedFile]);
  // The file shown is the finished batch's own: loading until its answer is in.
  const file: { state: 'none' } | { state: 'loading' } | FileState = !finishedFile
    ? { state: 'none' }
    : fileState?.jobId === finishedFile
      ? fileState
      : { state: 'loading' };

  const regieList = regies.state === 'ready' ? regies.regies : [];
  const regie = regieList.find((r) => r.regieId === regieId) ?? regieList[0];

  const start = useCallback(async () => {
    if (!regie || starting) return;
    setError(null);
    setStarting(true);
    const content = { regieId: regie.regieId, period: period || null, issueCodes };
    const key = JSON.stringify(content);
    // The same form sent again after a lost answer replays the first start, not a second batch.
    if (command.current?.key !== key) command.current = { key, id: crypto.randomUUID() };
    const r = await call('coupons.batchStart', { commandId: command.current.id, ...content });
    setStarting(false);
    if (!r.ok) {
      if (r.error.code !== 'INTERNE') command.current = null;
      setError(m.startFailed(r.error.message));
      return;
    }
    command.current = null;
    followedJob = r.value.jobId;
    setJob(r.value);
  }, [call, regie, period, issueCodes, starting]);

  const cancel = useCallback(async () => {
    if (!jobId || cancelling) return;
    setCancelling(true);
    const r = await call('coupons.batchCancel', { jobId });
    setCancelling(false);
    if (!r.ok) {
      setError(m.cancelFailed(r.error.message));
      return;
    }
    setJob(r.value);
  }, [call, jobId, cancelling]);

  const again = useCallback(() => {
    followedJob = null;
    setJob(null);
    setError(null);
  }, []);

  if (regies.state === 'loading') {
    return (
      <Stack aria-busy="true" aria-label={m.loading}>
        <Skeleton height={36} width="40%" />
        <Skeleton height={160} />
      </Stack>
    );
  }
  if (regies.state === 'failed') {
    return (
      <Alert color="red" variant="outline" role="alert">
        {m.regiesFailed(regies.message)}
      </Alert>
    );
  }
  if (!regie) {
    return (
      <Alert color="orange" variant="outline">
        {m.noRegie}
      </Alert>
    );
  }

  const formLocked = job !== null;
  return (
    <Stack gap="lg" data-testid="coupon-batch-panel">
      <Stack gap={4}>
        <Title order={2} fz="xl">
          {m.title}
        </Title>
        <Text c="dark.6">{m.intro}</Text>
      </Stack>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Stack gap="md">
            <Group gap="md" align="flex-end" wrap="wrap">
              <NativeSelect
                label={m.regie}
                size="md"
                value={String(regie.regieId)}
                disabled={formLocked}
                onChange={(e) => setRegieId(Number(e.currentTarget.value))}
                data={regieList.map((r) => ({
                  value: String(r.regieId),
                  label: `${r.regieName} (${r.regieCode})`,
                }))}
                data-testid="coupon-batch-regie"
              />
              <NativeSelect
                label={m.period}
                description={m.periodHelp}
                size="md"
                value={period}
                disabled={formLocked}
                onChange={(e) => setPeriod(e.currentTarget.value)}
                data={[
                  { value: '', label: m.periodAll },
                  ...months.map((p) => ({ value: p, label: capitalised(formatPeriod(p)) })),
                ]}
                data-testid="coupon-batch-period"
              />
            </Group>
            <Checkbox
              size="md"
              label={m.issueCodes}
              description={m.issueCodesHelp}
              checked={issueCodes}
              disabled={formLocked}
              onChange={(e) => setIssueCodes(e.currentTarget.checked)}
              data-testid="coupon-batch-issue-codes"
            />
            {!formLocked && (
              <Group>
                <Button
                  type="submit"
                  size="md"
                  leftSection={<IconMailForward aria-hidden size={20} />}
                  loading={starting}
                  data-testid="coupon-batch-start"
                >
                  {m.start}
                </Button>
              </Group>
            )}
          </Stack>
        </form>
      </Paper>

      {error && (
        <Alert color="red" variant="outline" role="alert" data-testid="coupon-batch-error">
          {error}
        </Alert>
      )}

      {job && (
        <BatchProgress
          job={job}
          cancelling={cancelling}
          onCancel={() => void cancel()}
          onAgain={again}
        />
      )}

      {file.state === 'loading' && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text>{m.fileLoading}</Text>
        </Group>
      )}
      {file.state === 'failed' && (
        <Alert color="red" variant="outline" role="alert">
          {file.message}
        </Alert>
      )}
      {file.state === 'ready' && <BatchFile file={file.file} />}
    </Stack>
  );
}

function capitalised(s: string): string {
  return s.charAt(0).toLocaleUpperCase('fr-FR') + s.slice(1);
}

function BatchProgress({
  job,
  cancelling,
  onCancel,
  onAgain,
}: {
  job: CouponBatchStatus;
  cancelling: boolean;
  onCancel(): void;
  onAgain(): void;
}) {
  const percent = job.state === 'termine' ? 100 : progressPercent(job.done, job.total);
  return (
    <Paper withBorder p="md" radius="md" data-testid="coupon-batch-progress" data-state={job.state}>
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Text fw={700} id="coupon-batch-progress-label">
            {m.progressLabel}
          </Text>
          <Text fw={700} fz="lg" className="amount" data-testid="coupon-batch-count">
            {job.total > 0 || job.state !== 'en_cours'
              ? m.progress(job.done, job.total)
              : m.counting}
          </Text>
        </Group>
        <Progress
          value={percent}
          size="xl"
          radius="sm"
          animated={job.state === 'en_cours'}
          color={job.state === 'termine' ? 'green' : job.state === 'en_cours' ? 'blue' : 'gray'}
          aria-labelledby="coupon-batch-progress-label"
          aria-valuetext={m.progress(job.done, job.total)}
        />
        {job.state === 'en_cours' && (
          <Group>
            <Button
              variant="outline"
              color="red"
              leftSection={<IconPlayerStop aria-hidden size={18} />}
              loading={cancelling}
              onClick={onCancel}
              data-testid="coupon-batch-cancel"
            >
              {cancelling ? m.cancelling : m.cancel}
            </Button>
          </Group>
        )}
        {job.state === 'annule' && (
          <Alert color="gray" variant="outline" role="status" data-testid="coupon-batch-result">
            {m.cancelled}
          </Alert>
        )}
        {job.state === 'echec' && (
          <Alert color="red" variant="outline" role="alert" data-testid="coupon-batch-result">
            {m.failed(job.message ?? '')}
          </Alert>
        )}
        {job.state === 'termine' && (
          <Alert color="green" variant="outline" role="status" data-testid="coupon-batch-result">
            {job.fileName === null || job.total === 0
              ? m.nothingDue
              : m.done(job.total, job.codesIssued)}
          </Alert>
        )}
        {job.state !== 'en_cours' && (
          <Group>
            <Button variant="default" onClick={onAgain} data-testid="coupon-batch-again">
              {m.again}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

type Printing =
  { state: 'idle' } | { state: 'printing' } | { state: 'done' | 'failed'; result: PrintResult };

function BatchFile({ file }: { file: ReportFile }) {
  const host = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<
    { state: 'drawing' } | { state: 'failed' } | { state: 'done'; drawn: number; total: number }
  >({ state: 'drawing' });
  const [printing, setPrinting] = useState<Printing>({ state: 'idle' });

  // A batch can weigh tens of megabytes: saved through an object URL made at the click, not a
  // data: address written into the page. The link's default action reads the address after
  // this handler, so setting it here is enough.
  function prepareDownload(link: HTMLAnchorElement) {
    const url = URL.createObjectURL(
      new Blob([base64ToBytes(file.pdfBase64)], { type: 'application/pdf' }),
    );
    link.href = url;
    setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
  }

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const abort = new AbortController();
    setPreview({ state: 'drawing' });
    drawPdfPages(base64ToBytes(file.pdfBase64), el, abort.signal, {
      maxPages: PREVIEW_PAGES,
      scale: PREVIEW_SCALE,
    }).then(
      (r) => {
        if (!abort.signal.aborted)
          setPreview(r.drawn > 0 ? { state: 'done', ...r } : { state: 'failed' });
      },
      () => {
        if (!abort.signal.aborted) setPreview({ state: 'failed' });
      },
    );
    return () => abort.abort();
  }, [file]);

  function print() {
    // Called straight from the click: in browser mode the PDF's tab must open at once.
    const pending = printDocument(file, 'a4');
    setPrinting({ state: 'printing' });
    void pending.then((result) => setPrinting({ state: result.ok ? 'done' : 'failed', result }));
  }

  return (
    <Stack gap="sm" data-testid="coupon-batch-file">
      <Group gap="sm">
        <Button
          leftSection={
            printing.state === 'printing' ? (
              <Loader size={16} aria-hidden />
            ) : (
              <IconPrinter aria-hidden size={18} />
            )
          }
          disabled={printing.state === 'printing'}
          onClick={print}
          data-testid="coupon-batch-print"
        >
          {printing.state === 'printing' ? m.printing : m.print}
        </Button>
        <Button
          component="a"
          href="#"
          download={file.fileName}
          onClick={(e) => prepareDownload(e.currentTarget)}
          variant="outline"
          leftSection={<IconDownload aria-hidden size={18} />}
          data-testid="coupon-batch-download"
        >
          {m.download}
        </Button>
      </Group>
      {printing.state === 'done' && printing.result.ok && (
        <Text fz="sm" role="status">
          {printing.result.where === 'printer'
            ? pm.sent(printing.result.printer)
            : pm.openedInBrowser}
        </Text>
      )}
      {printing.state === 'failed' && !printing.result.ok && (
        <Alert color="orange" variant="outline" role="alert">
          <Text fz="sm">{printing.result.message}</Text>
          <Text fz="sm">{pm.keptAfterFailure}</Text>
        </Alert>
      )}
      {preview.state === 'drawing' && (
        <Group gap="xs" role="status">
          <Loader size="sm" aria-hidden />
          <Text fz="sm">{m.fileLoading}</Text>
        </Group>
      )}
      {preview.state === 'failed' && (
        <Alert color="orange" variant="outline" role="status">
          {m.previewFailed}
        </Alert>
      )}
      {preview.state === 'done' && preview.total > preview.drawn && (
        <Text fz="sm" c="dark.6">
          {m.previewNote(preview.drawn)}
        </Text>
      )}
      <div
        ref={host}
        className="receipt-preview"
        role="img"
        aria-label={m.previewLabel(file.fileName)}
        hidden={preview.state !== 'done'}
        data-testid="coupon-batch-preview"
      />
    </Stack>
  );
}
