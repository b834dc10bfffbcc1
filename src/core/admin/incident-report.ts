// The incident report: one zip that support can read without access to the counter, holding
// the log files of the data folder, the technical journal (JSON and CSV), the versions, the
// settings without secrets, the result of the journal verification and the list of backups.
// Family personal data never goes into it: every text is passed through the scrubber, and the
// operations journal (whose payloads name families' payments) is left out.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { IncidentReportFile } from '../../shared/contract';
import type { HandlerContext } from '../context';
import { appendJournal } from '../journal/chain';
import { verifyAll } from '../journal/verify';
import { APP_VERSION } from '../system/handlers';
import { listBackupFiles } from './backup-files';
import { backupDirOf, posteCodeOf, settingsWithoutSecrets } from './machine-settings';
import type { AdminRuntime } from './runtime';
import { buildScrubber, type Scrubber } from './scrub';

/** Only the end of a long log is kept: the lines before the incident are what matter. */
export const LOG_TAIL_BYTES = 5 * 1024 * 1024;
const MAX_LOG_FILES = 10;

export function logDirOf(dbFile: string): string | null {
  return dbFile === ':memory:' ? null : path.join(path.dirname(dbFile), 'journaux');
}

function tail(file: string, max: number): { text: string; cut: boolean } {
  const size = statSync(file).size;
  const start = Math.max(0, size - max);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  let text = buf.toString('utf8');
  // A cut in the middle of a line (or of a UTF-8 character) starts at the next full line.
  if (start > 0) text = text.slice(text.indexOf('\n') + 1);
  return { text, cut: start > 0 };
}

function logFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^guichet.*\.log/i.test(n))
    .filter((n) => {
      try {
        return statSync(path.join(dir, n)).isFile();
      } catch {
        return false;
      }
    })
    .sort()
    .slice(0, MAX_LOG_FILES);
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[";\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

interface TechRow {
  seq: number;
  instant: string;
  kind: string;
  agent_id: number | null;
  poste_code: string;
  payload: string;
  hash: string;
}

function technicalJournal(ctx: HandlerContext, scrubber: Scrubber): { json: string; csv: string } {
  const rows = ctx.sqlite
    .prepare(
      'SELECT seq, instant, kind, agent_id, poste_code, payload, hash FROM tech_journal_entry ORDER BY seq',
    )
    .all() as TechRow[];
  const entries = rows.map((r) => {
    const text = scrubber.scrub(r.payload);
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {
      // A masked word stood where JSON expected a literal: the text is kept as it is.
    }
    return {
      seq: r.seq,
      instant: r.instant,
      kind: r.kind,
      agentId: r.agent_id,
      posteCode: r.poste_code,
      payload,
      hash: r.hash,
    };
  });
  const header = 'seq;instant;nature;agent;poste;contenu;empreinte';
  const lines = rows.map((r) =>
    [r.seq, r.instant, r.kind, r.agent_id, r.poste_code, scrubber.scrub(r.payload), r.hash]
      .map(csvCell)
      .join(';'),
  );
  return {
    json: JSON.stringify(entries, null, 2),
    csv: `\uFEFF${[header, ...lines].join('\r\n')}\r\n`,
  };
}

const readme = (at: string, poste: string, logs: string[]) =>
  [
    'Rapport d’incident Guichet',
    `Établi le ${at} (UTC) sur le poste ${poste}.`,
    '',
    'Contenu :',
    '- versions.json : versions de Guichet, du schéma de la base, de Node et du système ;',
    '- parametres.json : paramètres du poste (secrets retirés) ;',
    '- verification.json : résultat de la vérification des journaux et du registre ;',
    '- journal-technique.json et .csv : journal des événements techniques ;',
    '- sauvegardes.json : sauvegardes présentes dans le dossier des sauvegardes ;',
    logs.length > 0
      ? `- journaux/ : fichiers de log (${logs.join(', ')}), la fin seulement pour les gros fichiers.`
      : '- aucun fichier de log trouvé dans le dossier des données.',
    '',
    'Aucune donnée personnelle des familles n’y figure : les noms, adresses, courriels et',
    'numéros de téléphone sont remplacés par « [masqué] ». Le journal des opérations n’est pas',
    'joint ; le support peut demander un export au régisseur si nécessaire.',
    '',
  ].join('\r\n');

export function buildIncidentReport(ctx: HandlerContext, rt: AdminRuntime): IncidentReportFile {
  const at = ctx.now();
  const sqlite = ctx.sqlite;
  const scrubber = buildScrubber(sqlite);
  const posteCode = posteCodeOf(sqlite);
  const files: Zippable = {};
  const json = (v: unknown) => strToU8(scrubber.scrub(JSON.stringify(v, null, 2)));

  files['versions.json'] = json({
    guichet: APP_VERSION,
    schema: sqlite.pragma('user_version', { simple: true }),
    migrations: rt.shipped.length,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    sqlite: (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    platform: process.platform,
    arch: process.arch,
    establishedAt: at.toISOString(),
  });
  files['parametres.json'] = json(settingsWithoutSecrets(sqlite));

  const started = Date.now();
  let verification: unknown;
  try {
    const r = verifyAll(sqlite);
    verification = {
      ok: r.operations.ok && r.technique.ok && r.ledger.ok,
      durationMs: Date.now() - started,
      operations: r.operations,
      technique: r.technique,
      ledger: r.ledger,
    };
  } catch (e) {
    verification = { ok: false, error: (e as Error).message };
  }
  files['verification.json'] = json(verification);

  const jet = technicalJournal(ctx, scrubber);
  files['journal-technique.json'] = strToU8(jet.json);
  files['journal-technique.csv'] = strToU8(jet.csv);

  const backupDir = backupDirOf(sqlite, rt.defaultBackupDir);
  files['sauvegardes.json'] = json({
    dir: backupDir,
    backups: backupDir ? listBackupFiles(backupDir) : [],
  });

  const logDir = logDirOf(rt.dbFile);
  const logs = logDir ? logFiles(logDir) : [];
  const cutLogs: string[] = [];
  const logEntries: Zippable = {};
  for (const name of logs) {
    const { text, cut } = tail(path.join(logDir ?? '', name), LOG_TAIL_BYTES);
    if (cut) cutLogs.push(name);
    logEntries[name] = strToU8(scrubber.scrub(text));
  }
  if (logs.length > 0) files.journaux = logEntries;
  files['LISEZMOI.txt'] = strToU8(readme(at.toISOString(), posteCode, logs));

  const zip = zipSync(files, { level: 6, mtime: at });
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '');
  const fileName = `rapport-incident-${posteCode}-${stamp}Z.zip`;
  const entries = [
    'LISEZMOI.txt',
    'versions.json',
    'parametres.json',
    'verification.json',
    'journal-technique.json',
    'journal-technique.csv',
    'sauvegardes.json',
    ...logs.map((n) => `journaux/${n}`),
  ];
  appendJournal(sqlite, 'technique', {
    kind: 'rapport_incident',
    instant: at.toISOString(),
    agentId: ctx.session?.agentId ?? null,
    regieId: null,
    posteCode,
    payload: { fileName, sizeBytes: zip.length, logs, cutLogs },
  });
  return { fileName, base64: Buffer.from(zip).toString('base64'), entries };
}
