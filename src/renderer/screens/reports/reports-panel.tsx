// "Éditions pour le comptable": pick a report, a period (the current month by default) and a
// régie, read it on screen, and export it as PDF or CSV for the comptable. The situation de
// caisse for a surprise audit is one button away (Alt+S), with its PDF ready to print.
// Keyboard: the report choice moves with the arrow keys, Entrée in a date shows the period,
// Alt+P and Alt+C export, Alt+S shows the situation de caisse.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Kbd,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import {
  IconDownload,
  IconFileSpreadsheet,
  IconFileTypePdf,
  IconReportMoney,
} from '@tabler/icons-react';
import {
  periodReports,
  reportKinds,
  type BalancesReport,
  type CashSituation,
  type CreditsReport,
  type ExportFile,
  type ExportFormat,
  type PeriodTotals,
  type ReceiptJournal,
  type ReportKind,
  type ReportPeriod,
  type ReportRegie,
  type SessionView,
} from '../../../shared/contract';
import { parisDate } from '../../../shared/dates';
import type { Result } from '../../../shared/result';
import { useGuichet } from '../../guichet-context';
import { base64ToBytes } from '../../receipts/pdf-preview';
import { ReceiptViewer } from '../../receipts/receipt-viewer';
import { reportMessages as m } from './messages';
import { monthOf } from './report-month';
import {
  BalancesView,
  CreditsView,
  ReceiptsView,
  SituationView,
  TotalsView,
} from './report-tables';

type Shown =
  | { kind: 'recus'; value: ReceiptJournal }
  | { kind: 'totaux'; value: PeriodTotals }
  | { kind: 'soldes'; value: BalancesReport }
  | { kind: 'avoirs'; value: CreditsReport }
  | { kind: 'situation'; value: CashSituation };

/** Longer PDFs are saved but not drawn on screen: pdf.js would draw every one of their pages. */
const PREVIEW_MAX_ROWS = 300;

type Loaded = { ok: true; shown: Shown; regies: ReportRegie[] } | { ok: false; message: string };

/** A report's answer, ready to show, with the régies it lists for the selector. */
function present<V extends { regies: ReportRegie[] }>(
  r: Result<V>,
  shown: (v: V) => Shown,
): Loaded {
  return r.ok
    ? { ok: true, shown: shown(r.value), regies: r.value.regies }
    : { ok: false, message: r.error.message };
}

interface Request {
  kind: ReportKind;
  period: ReportPeriod;
  regieId: number | undefined;
  includeZero: boolean;
}

/** Saves a file the core produced, through a temporary object URL (no size limit of data: URLs). */
function download(file: ExportFile): void {
  const blob = new Blob([base64ToBytes(file.base64)], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ReportsPanel(_props: { session: SessionView }) {
  const { call, locked } = useGuichet();
  const [request, setRequest] = useState<Request>(() => ({
    kind: 'recus',
    period: monthOf(parisDate(new Date())),
    regieId: undefined,
    includeZero: false,
  }));
  // The dates being typed; they become the request's period on Entrée or "Afficher".
  const [draft, setDraft] = useState<ReportPeriod>(request.period);
  const [regies, setRegies] = useState<ReportRegie[]>([]);
  const [shown, setShown] = useState<{ request: Request; result: Shown } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [exported, setExported] = useState<ExportFile | null>(null);
  const latest = useRef(0);

  const usesPeriod = periodReports.includes(request.kind);

  useEffect(() => {
    const ticket = ++latest.current;
    const { kind, period, regieId, includeZero } = request;
    const load = (): Promise<Loaded> => {
      switch (kind) {
        case 'recus':
          return call('reports.receipts', { period, regieId, limit: 500 }).then((r) =>
            present(r, (value) => ({ kind, value })),
          );
        case 'totaux':
          return call('reports.totals', { period, regieId }).then((r) =>
            present(r, (value) => ({ kind, value })),
          );
        case 'soldes':
          return call('reports.balances', {
            regieId,
            nonZeroOnly: !includeZero,
            limit: 500,
          }).then((r) => present(r, (value) => ({ kind, value })));
        case 'avoirs':
          return call('reports.credits', { regieId, limit: 500 }).then((r) =>
            present(r, (value) => ({ kind, value })),
          );
        case 'situation':
          return call('reports.cashSituation', { regieId }).then((r) =>
            present(r, (value) => ({ kind, value })),
          );
      }
    };
    void load().then((loaded) => {
      if (ticket !== latest.current) return;
      if (!loaded.ok) {
        setError(loaded.message);
        return;
      }
      setError(null);
      setRegies(loaded.regies);
      setShown({ request, result: loaded.shown });
    });
  }, [call, request]);

  const change = useCallback((patch: Partial<Request>) => {
    setExported(null);
    setRequest((r) => ({ ...r, ...patch }));
    if (patch.period) setDraft(patch.period);
  }, []);

  const runExport = useCallback(
    async (format: ExportFormat, kind: ReportKind = request.kind) => {
      setBusy(format);
      setExported(null);
      const r = await call('reports.export', {
        report: kind,
        format,
        period: periodReports.includes(kind) ? request.period : undefined,
        regieId: request.regieId,
        nonZeroOnly: !request.includeZero,
      });
      setBusy(null);
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setError(null);
      setExported(r.value);
      // The situation de caisse is previewed to be printed; every other file is saved at once.
      if (format === 'csv' || kind !== 'situation') download(r.value);
    },
    [call, request],
  );

  const situationNow = useCallback(() => {
    change({ kind: 'situation' });
    void runExport('pdf', 'situation');
  }, [change, runExport]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (locked || !e.altKey || e.ctrlKey || e.metaKey || busy) return;
      const key = e.key.toLowerCase();
      if (key === 'p' || key === 'c') {
        e.preventDefault();
        void runExport(key === 'p' ? 'pdf' : 'csv');
      } else if (key === 's') {
        e.preventDefault();
        situationNow();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [locked, busy, runExport, situationNow]);

  const commitPeriod = () => change({ period: draft });
  const stale = shown === null || shown.request !== request;

  return (
    <Stack gap="lg" data-testid="reports-panel">
      <Text c="dark.7" maw={900}>
        {m.intro}
      </Text>

      <Paper withBorder radius="md" p="md">
        <Stack gap="md">
          <div>
            <Text component="span" fw={500} id="report-kind-label" display="block" mb={4}>
              {m.kindLabel}
            </Text>
            <SegmentedControl
              aria-labelledby="report-kind-label"
              data-testid="report-kind"
              value={request.kind}
              onChange={(v) => {
                const kind = reportKinds.find((k) => k === v);
                if (kind) change({ kind });
              }}
              data={reportKinds.map((k) => ({ value: k, label: m.kinds[k] }))}
            />
          </div>

          <Group align="flex-end" gap="md" wrap="wrap">
            {usesPeriod && (
              <>
                <TextInput
                  type="date"
                  label={m.from}
                  value={draft.from}
                  onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
                  onKeyDown={(e) => e.key === 'Enter' && commitPeriod()}
                  data-testid="report-from"
                  w={170}
                />
                <TextInput
                  type="date"
                  label={m.to}
                  value={draft.to}
                  onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
                  onKeyDown={(e) => e.key === 'Enter' && commitPeriod()}
                  data-testid="report-to"
                  w={170}
                />
                <Button variant="default" onClick={commitPeriod} data-testid="report-show">
                  {m.show}
                </Button>
                <Button
                  variant="subtle"
                  onClick={() => change({ period: monthOf(parisDate(new Date())) })}
                  data-testid="report-current-month"
                >
                  {m.currentMonth}
                </Button>
                <Button
                  variant="subtle"
                  onClick={() => change({ period: monthOf(parisDate(new Date()), -1) })}
                  data-testid="report-previous-month"
                >
                  {m.previousMonth}
                </Button>
              </>
            )}
            <Select
              label={m.regie}
              value={request.regieId === undefined ? 'all' : String(request.regieId)}
              onChange={(v) => change({ regieId: v && v !== 'all' ? Number(v) : undefined })}
              data={[
                { value: 'all', label: m.allRegies },
                ...regies.map((r) => ({ value: String(r.id), label: `${r.code} – ${r.name}` })),
              ]}
              allowDeselect={false}
              w={300}
              data-testid="report-regie"
            />
            {request.kind === 'soldes' && (
              <Checkbox
                label={m.includeZero}
                checked={request.includeZero}
                onChange={(e) => change({ includeZero: e.currentTarget.checked })}
                data-testid="report-include-zero"
                mb={8}
              />
            )}
          </Group>
          {usesPeriod && (
            <Text fz="sm" c="dark.6">
              {m.periodHelp}
            </Text>
          )}

          <Group gap="sm" wrap="wrap">
            <Button
              size="md"
              leftSection={<IconFileTypePdf aria-hidden size={20} />}
              rightSection={<Kbd size="xs">{m.exportPdfKey}</Kbd>}
              loading={busy === 'pdf'}
              disabled={busy !== null}
              onClick={() => void runExport('pdf')}
              aria-keyshortcuts="Alt+P"
              data-testid="report-export-pdf"
            >
              {m.exportPdf}
            </Button>
            <Button
              size="md"
              variant="outline"
              leftSection={<IconFileSpreadsheet aria-hidden size={20} />}
              rightSection={<Kbd size="xs">{m.exportCsvKey}</Kbd>}
              loading={busy === 'csv'}
              disabled={busy !== null}
              onClick={() => void runExport('csv')}
              aria-keyshortcuts="Alt+C"
              data-testid="report-export-csv"
            >
              {m.exportCsv}
            </Button>
            <Button
              size="md"
              variant="outline"
              color="dark"
              leftSection={<IconReportMoney aria-hidden size={20} />}
              rightSection={<Kbd size="xs">{m.situationKey}</Kbd>}
              disabled={busy !== null}
              onClick={situationNow}
              aria-keyshortcuts="Alt+S"
              data-testid="report-situation-now"
            >
              {m.situationNow}
            </Button>
          </Group>
        </Stack>
      </Paper>

      <div aria-live="polite">
        {error && (
          <Alert color="red" variant="outline" role="alert" data-testid="report-error">
            {error}
          </Alert>
        )}
        {busy && (
          <Group gap="xs" role="status">
            <Loader size="sm" aria-hidden />
            <Text>{m.exporting}</Text>
          </Group>
        )}
        {exported && (
          <Alert color="green" variant="outline" role="status" data-testid="report-exported">
            <Group justify="space-between" wrap="wrap">
              <Text>{m.exported(exported.fileName, exported.rowCount, exported.sha256)}</Text>
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconDownload aria-hidden size={16} />}
                onClick={() => download(exported)}
              >
                {m.downloadAgain}
              </Button>
            </Group>
          </Alert>
        )}
      </div>

      {exported?.mimeType === 'application/pdf' && exported.rowCount <= PREVIEW_MAX_ROWS && (
        <ReceiptViewer
          file={{ fileName: exported.fileName, pdfBase64: exported.base64 }}
          busy={false}
          downloadLabel={m.pdfDownload}
        />
      )}

      {shown === null ? (
        !error && (
          <Group gap="xs" role="status">
            <Loader size="sm" aria-hidden />
            <Text>{m.loading}</Text>
          </Group>
        )
      ) : (
        <div className={stale ? 'preview-stale' : undefined} data-testid="report-view">
          {shown.result.kind === 'recus' && <ReceiptsView j={shown.result.value} />}
          {shown.result.kind === 'totaux' && <TotalsView t={shown.result.value} />}
          {shown.result.kind === 'soldes' && <BalancesView b={shown.result.value} />}
          {shown.result.kind === 'avoirs' && <CreditsView c={shown.result.value} />}
          {shown.result.kind === 'situation' && <SituationView s={shown.result.value} />}
        </div>
      )}
    </Stack>
  );
}
