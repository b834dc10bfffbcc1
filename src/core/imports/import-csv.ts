// The import of familles.csv and factures.csv, for a commune without a portal. Both files are
// read and checked completely, every problem listed (never only the first), and the import is
// all or nothing: import.apply checks again inside one IMMEDIATE transaction and writes only
// when no line of either file is wrong. A file imported twice changes nothing the second time.
// What changes is journaled: one "import_csv" entry naming the files (name and SHA-256) with
// the counts, and one correction entry per family or invoice whose data the file replaced, with
// every field's old and new value.
import type Database from 'better-sqlite3';
import {
  IMPORT_MAX_FILE_BYTES,
  IMPORT_MAX_LISTED_ERRORS,
  type ImportFileSummary,
  type ImportPreview,
  type ImportResult,
  type ParsedInput,
} from '../../shared/contract';
import { requireSession, type HandlerContext } from '../context';
import { enrolledPortalUrl } from '../admin/portal-enrolment';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { parisDate } from '../../shared/dates';
import { childColumns, planChildren, writeChildren, type ChildPlan } from './children';
import { decodeFile, type DecodedFile } from './csv-file';
import {
  draftFamilies,
  familyColumns,
  planFamilies,
  writeFamilies,
  type FamilyPlan,
} from './families';
import { invoiceColumns, planInvoices, writeInvoices, type InvoicePlan } from './invoices';
import { IssueList, readSheet } from './sheet';

type PreviewArgs = ParsedInput<'import.preview'>;
type ApplyArgs = ParsedInput<'import.apply'>;

interface NamedFile {
  name: string;
  decoded: DecodedFile;
}

interface Files {
  families: NamedFile | null;
  children: NamedFile | null;
  invoices: NamedFile | null;
}

interface Analysis {
  families: ImportFileSummary | null;
  children: ImportFileSummary | null;
  invoices: ImportFileSummary | null;
  familyPlans: FamilyPlan[];
  childPlans: ChildPlan[];
  invoicePlans: InvoicePlan[];
  issues: IssueList;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} Mo`;
}

function decodeArgument(
  file: { name: string; contentBase64: string } | undefined,
): NamedFile | null {
  if (!file) return null;
  const bytes = Buffer.from(file.contentBase64, 'base64');
  if (bytes.length > IMPORT_MAX_FILE_BYTES) {
    throw new DomainError(
      'VALIDATION',
      `Le fichier « ${file.name} » pèse ${formatMegabytes(bytes.length)} : la limite est de 20 Mo par fichier. Découpez-le en plusieurs fichiers et importez-les l’un après l’autre. Rien n’a été importé.`,
      'FICHIER_TROP_GROS',
    );
  }
  return { name: file.name, decoded: decodeFile(bytes) };
}

/** Families and invoices come from the portal on an enrolled poste: two sources would diverge. */
function refuseWhenEnrolled(sqlite: Database.Database): void {
  const portalUrl = enrolledPortalUrl(sqlite);
  if (portalUrl) {
    throw new DomainError(
      'REGLE_METIER',
      `Ce poste est relié au portail (${portalUrl}) : les familles et les factures viennent du portail, l’import de fichiers CSV est désactivé. Importez les fichiers sur le portail, ou adressez-vous à son administrateur.`,
      'POSTE_RELIE_AU_PORTAIL',
    );
  }
}

function readFiles(args: PreviewArgs): Files {
  const families = decodeArgument(args.families);
  const children = decodeArgument(args.children);
  const invoices = decodeArgument(args.invoices);
  if (!families && !children && !invoices) {
    throw new DomainError(
      'VALIDATION',
      'Aucun fichier à importer : choisissez le fichier des familles, celui des enfants ou celui des factures.',
    );
  }
  return { families, children, invoices };
}

function summary(
  f: NamedFile,
  separator: ImportFileSummary['separator'],
  lineCount: number,
  plans: { action: 'create' | 'update' | 'unchanged' }[],
): ImportFileSummary {
  return {
    fileName: f.name,
    sha256: f.decoded.sha256,
    encoding: f.decoded.encoding,
    separator,
    rows: lineCount,
    created: count(plans, 'create'),
    updated: count(plans, 'update'),
    unchanged: count(plans, 'unchanged'),
  };
}

function count<T extends { action: string }>(plans: T[], action: T['action']): number {
  return plans.filter((p) => p.action === action).length;
}

function analyse(sqlite: Database.Database, files: Files, today: string): Analysis {
  const issues = new IssueList();
  let familyPlans: FamilyPlan[] = [];
  let childPlans: ChildPlan[] = [];
  let invoicePlans: InvoicePlan[] = [];
  let families: ImportFileSummary | null = null;
  let children: ImportFileSummary | null = null;
  let invoices: ImportFileSummary | null = null;
  let codesInFile = new Set<string>();

  if (files.families) {
    const f = files.families;
    const { separator, sheet } = readSheet('familles', f.decoded, familyColumns, issues);
    if (sheet) {
      const drafted = draftFamilies(sheet, issues);
      codesInFile = drafted.codesInFile;
      familyPlans = planFamilies(sqlite, drafted.drafts);
    }
    families = summary(f, separator, sheet?.lineCount ?? 0, familyPlans);
  }
  if (files.children) {
    const f = files.children;
    const { separator, sheet } = readSheet('enfants', f.decoded, childColumns, issues);
    if (sheet) childPlans = planChildren(sqlite, sheet, codesInFile, today, issues);
    children = summary(f, separator, sheet?.lineCount ?? 0, childPlans);
  }
  if (files.invoices) {
    const f = files.invoices;
    const { separator, sheet } = readSheet('factures', f.decoded, invoiceColumns, issues);
    if (sheet) invoicePlans = planInvoices(sqlite, sheet, codesInFile, issues);
    invoices = summary(f, separator, sheet?.lineCount ?? 0, invoicePlans);
  }
  return { families, children, invoices, familyPlans, childPlans, invoicePlans, issues };
}

const fileOrder = { familles: 0, enfants: 1, factures: 2 } as const;

/** The problems in reading order: families first, then invoices, each by line. */
function listed(issues: IssueList): Pick<ImportPreview, 'errors' | 'moreErrors'> {
  const sorted = issues.issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        fileOrder[a.issue.file] - fileOrder[b.issue.file] ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.issue);
  return {
    errors: sorted.slice(0, IMPORT_MAX_LISTED_ERRORS),
    moreErrors: Math.max(0, issues.count - IMPORT_MAX_LISTED_ERRORS),
  };
}

export function previewImport(ctx: HandlerContext, args: PreviewArgs): ImportPreview {
  refuseWhenEnrolled(ctx.sqlite);
  const files = readFiles(args);
  const a = analyse(ctx.sqlite, files, parisDate(ctx.now()));
  return {
    families: a.families,
    children: a.children,
    invoices: a.invoices,
    ...listed(a.issues),
    ok: a.issues.count === 0,
  };
}

/** The journal's record of an import, enough to give a replayed command its first result. */
interface ImportPayload {
  commandId: string;
  families: ImportFileSummary | null;
  children?: ImportFileSummary | null;
  invoices: ImportFileSummary | null;
}

export function applyImport(ctx: HandlerContext, args: ApplyArgs): ImportResult {
  const session = requireSession(ctx);
  const sqlite = ctx.sqlite;
  refuseWhenEnrolled(sqlite);
  const files = readFiles(args);
  // The command's identity is what was imported, not the megabytes that carried it.
  const identity = (f: NamedFile | null) => f && { name: f.name, sha256: f.decoded.sha256 };
  const hash = requestHash({
    families: identity(files.families),
    children: identity(files.children),
    invoices: identity(files.invoices),
  });
  const at = ctx.now().toISOString();

  const run = sqlite.transaction((): ImportResult => {
    if (alreadyExecuted(sqlite, args.commandId, 'import.apply', hash)) {
      return firstResult(sqlite, args.commandId);
    }
    const a = analyse(sqlite, files, parisDate(ctx.now()));
    if (a.issues.count > 0) {
      const n = a.issues.count;
      throw new DomainError(
        'VALIDATION',
        `${n === 1 ? 'Une erreur empêche' : `${n} erreurs empêchent`} l’import : rien n’a été importé. Corrigez ${n === 1 ? 'la ligne indiquée' : 'les lignes indiquées'} dans le fichier, puis importez-le à nouveau.`,
        'IMPORT_INVALIDE',
        { ...listed(a.issues) },
      );
    }
    const changes =
      a.familyPlans.some((p) => p.action !== 'unchanged') ||
      a.childPlans.some((p) => p.action !== 'unchanged') ||
      a.invoicePlans.some((p) => p.action !== 'unchanged');
    // Nothing to change: nothing is written, not even the command, like a settings update that
    // changes nothing.
    if (!changes) {
      return { families: a.families, children: a.children, invoices: a.invoices, journalSeq: null };
    }

    insertCommand(sqlite, {
      commandId: args.commandId,
      handler: 'import.apply',
      hash,
      agentId: session.agentId,
      at,
    });
    const familyIds = writeFamilies(sqlite, a.familyPlans, at);
    writeChildren(sqlite, a.childPlans, familyIds);
    writeInvoices(sqlite, a.invoicePlans, familyIds, at);
    const payload: ImportPayload = {
      commandId: args.commandId,
      families: a.families,
      children: a.children,
      invoices: a.invoices,
    };
    const entry = appendJournal(sqlite, 'operations', {
      kind: 'import_csv',
      instant: at,
      agentId: session.agentId,
      regieId: null,
      posteCode: ctx.posteCode,
      payload: { ...payload },
    });
    for (const p of a.familyPlans) {
      if (p.action !== 'update') continue;
      appendJournal(sqlite, 'operations', {
        kind: 'correction_famille',
        instant: at,
        agentId: session.agentId,
        regieId: null,
        posteCode: ctx.posteCode,
        payload: { familyCode: p.draft.code, importSeq: entry.seq, changes: p.changes },
      });
    }
    for (const p of a.childPlans) {
      if (p.action !== 'update') continue;
      const d = p.draft;
      appendJournal(sqlite, 'operations', {
        kind: 'correction_famille',
        instant: at,
        agentId: session.agentId,
        regieId: null,
        posteCode: ctx.posteCode,
        payload: {
          familyCode: d.familyCode,
          importSeq: entry.seq,
          changes: p.changes.map((c) => ({
            ...c,
            field: `enfant[${d.firstName} ${d.lastName} ${d.birthDate}].${c.field}`,
          })),
        },
      });
    }
    for (const p of a.invoicePlans) {
      if (p.action !== 'update') continue;
      appendJournal(sqlite, 'operations', {
        kind: 'correction_facture',
        instant: at,
        agentId: session.agentId,
        regieId: p.draft.regieId,
        posteCode: ctx.posteCode,
        payload: {
          invoiceNumber: p.draft.number,
          familyCode: p.draft.familyCode,
          regieCode: p.draft.regieCode,
          importSeq: entry.seq,
          changes: p.changes,
        },
      });
    }
    return {
      families: a.families,
      children: a.children,
      invoices: a.invoices,
      journalSeq: entry.seq,
    };
  });
  // IMMEDIATE: the write lock is taken before the files are checked against the database, so
  // nothing can change between the check and the writes.
  return run.immediate();
}

function firstResult(sqlite: Database.Database, commandId: string): ImportResult {
  const row = sqlite
    .prepare(
      `SELECT seq, payload FROM journal_entry
        WHERE kind = 'import_csv' AND json_extract(payload, '$.commandId') = ?`,
    )
    .get(commandId) as { seq: number; payload: string } | undefined;
  if (!row) throw new Error(`Import ${commandId} sans entrée de journal`);
  const p = JSON.parse(row.payload) as ImportPayload;
  return {
    families: p.families,
    children: p.children ?? null,
    invoices: p.invoices,
    journalSeq: row.seq,
  };
}
