// Exporting a report as a file: the data read once, written as PDF or CSV, named after the
// report, the régie and the period, and recorded in the technical journal with the file's
// SHA-256, so that a file handed to the comptable can later be matched with the register's
// record of it (and a file altered afterwards can be told apart).
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  MAX_PDF_ROWS,
  periodReports,
  reportKindLabels,
  type ExportFile,
  type ExportFormat,
  type ReportKind,
  type ReportPeriod,
} from '../../shared/contract/reports';
import { parisDate } from '../../shared/dates';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { prepared } from '../db/prepared';
import { parisDateTime } from '../pdf/format';
import {
  balancesCsv,
  balancesPdf,
  creditsCsv,
  creditsPdf,
  receiptsCsv,
  receiptsPdf,
  situationCsv,
  situationCsvLines,
  situationPdf,
  totalsCsv,
  totalsCsvLines,
  totalsPdf,
} from './documents';
import { balancesReport, creditsReport } from './family-balances';
import { periodBounds, type PeriodBounds } from './period';
import { receiptJournal } from './receipt-journal';
import { cashSituation } from './situation';
import { periodTotals } from './totals';
import { periodText, type ReportFrame } from './pdf-frame';

export interface RegieRef {
  id: number;
  code: string;
  name: string;
}

/** The régie asked for, or null for all; an unknown id is refused in French. */
export function regieRef(sqlite: Database.Database, regieId: number | undefined): RegieRef | null {
  if (regieId === undefined) return null;
  const r = prepared(sqlite, 'SELECT id, code, name FROM regie WHERE id = ?').get(regieId) as
    RegieRef | undefined;
  if (!r) throw notFound('Régie');
  return r;
}

export interface ExportRequest {
  report: ReportKind;
  format: ExportFormat;
  period?: ReportPeriod;
  regie: RegieRef | null;
  nonZeroOnly: boolean;
  agentId: number;
  agentName: string;
  posteCode: string;
  now: Date;
}

interface Built {
  bytes: Uint8Array;
  rowCount: number;
}

function refuseLargePdf(format: ExportFormat, rows: number): void {
  if (format === 'pdf' && rows > MAX_PDF_ROWS) {
    throw ruleError(
      'EXPORT_TROP_VOLUMINEUX',
      `Cette édition compte ${rows.toLocaleString('fr-FR')} lignes : au-delà de ${MAX_PDF_ROWS.toLocaleString('fr-FR')}, le PDF dépasserait plusieurs centaines de pages. Exportez-la en CSV, ou choisissez une période plus courte ou une seule régie. Rien n’a été exporté.`,
    );
  }
}

function requirePeriod(req: ExportRequest): PeriodBounds {
  if (!req.period) {
    throw new DomainError(
      'VALIDATION',
      `Indiquez la période (date de début et date de fin) de l’édition « ${reportKindLabels[req.report]} ». Rien n’a été exporté.`,
    );
  }
  return periodBounds(req.period);
}

async function build(
  sqlite: Database.Database,
  req: ExportRequest,
  frame: ReportFrame,
): Promise<Built> {
  const regieId = req.regie?.id ?? null;
  const pdf = req.format === 'pdf';
  const at = req.now.toISOString();
  switch (req.report) {
    case 'recus': {
      const bounds = requirePeriod(req);
      refuseLargePdf(req.format, periodTotals(sqlite, bounds, regieId).total.paymentCount);
      const j = receiptJournal(sqlite, bounds, regieId, null);
      return { bytes: pdf ? await receiptsPdf(frame, j) : receiptsCsv(j), rowCount: j.rows.length };
    }
    case 'totaux': {
      const t = periodTotals(sqlite, requirePeriod(req), regieId);
      return {
        bytes: pdf ? await totalsPdf(frame, t) : totalsCsv(t),
        rowCount: totalsCsvLines(t).length,
      };
    }
    case 'soldes': {
      const opts = { regieId, nonZeroOnly: req.nonZeroOnly, at };
      refuseLargePdf(req.format, balancesReport(sqlite, { ...opts, limit: 1 }).totalRows);
      const b = balancesReport(sqlite, { ...opts, limit: null });
      return { bytes: pdf ? await balancesPdf(frame, b) : balancesCsv(b), rowCount: b.rows.length };
    }
    case 'avoirs': {
      refuseLargePdf(req.format, creditsReport(sqlite, { regieId, limit: 1, at }).totalRows);
      const c = creditsReport(sqlite, { regieId, limit: null, at });
      return { bytes: pdf ? await creditsPdf(frame, c) : creditsCsv(c), rowCount: c.rows.length };
    }
    case 'situation': {
      const s = cashSituation(sqlite, { regieId, now: req.now, posteCode: req.posteCode });
      return {
        bytes: pdf ? await situationPdf(frame, s) : situationCsv(s),
        rowCount: situationCsvLines(s).length,
      };
    }
  }
}

const fileStems: Record<ReportKind, string> = {
  recus: 'journal-des-recus',
  totaux: 'totaux-par-mode-et-regie',
  soldes: 'soldes-des-familles',
  avoirs: 'avoirs-en-cours',
  situation: 'situation-de-caisse',
};

/**
 * journal-des-recus-SCO-2026-11-01-au-2026-11-30.csv for a period; the Paris date (and, for the
 * situation de caisse, the time) of the export for a position.
 */
export function exportFileName(
  req: Pick<ExportRequest, 'report' | 'format' | 'period' | 'regie' | 'now'>,
): string {
  const regie = req.regie?.code ?? 'toutes-regies';
  let when: string;
  if (periodReports.includes(req.report) && req.period) {
    when = `${req.period.from}-au-${req.period.to}`;
  } else {
    when = parisDate(req.now);
    if (req.report === 'situation')
      when += `-${parisDateTime(req.now.toISOString()).time.replace(':', 'h')}`;
  }
  return `${fileStems[req.report]}-${regie}-${when}.${req.format}`;
}

export async function exportReport(
  sqlite: Database.Database,
  req: ExportRequest,
): Promise<ExportFile> {
  const commune = prepared(
    sqlite,
    'SELECT name, address_line, postal_code, city FROM commune ORDER BY id LIMIT 1',
  ).get() as { name: string; address_line: string; postal_code: string; city: string };
  const frame: ReportFrame = {
    title: reportKindLabels[req.report],
    commune: {
      name: commune.name,
      addressLine: commune.address_line,
      postalCode: commune.postal_code,
      city: commune.city,
    },
    regie: req.regie ? `${req.regie.code} – ${req.regie.name}` : 'Toutes les régies',
    period:
      periodReports.includes(req.report) && req.period
        ? periodText(req.period.from, req.period.to)
        : null,
    generatedAt: req.now.toISOString(),
    agent: req.agentName,
    orientation: 'portrait',
  };
  const { bytes, rowCount } = await build(sqlite, req, frame);
  const fileName = exportFileName(req);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const usesPeriod = periodReports.includes(req.report);
  const entry = appendJournal(sqlite, 'technique', {
    kind: 'export',
    instant: req.now.toISOString(),
    agentId: req.agentId,
    regieId: req.regie?.id ?? null,
    posteCode: req.posteCode,
    payload: {
      report: req.report,
      format: req.format,
      fileName,
      from: usesPeriod ? (req.period?.from ?? null) : null,
      to: usesPeriod ? (req.period?.to ?? null) : null,
      regieCode: req.regie?.code ?? null,
      rows: rowCount,
      bytes: bytes.length,
      sha256,
    },
  });
  return {
    fileName,
    mimeType: req.format === 'pdf' ? 'application/pdf' : 'text/csv',
    base64: Buffer.from(bytes).toString('base64'),
    rowCount,
    sha256,
    journalSeq: entry.seq,
  };
}
