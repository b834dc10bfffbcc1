// Shared by the import tests: files as the handlers take them, and a fingerprint of everything
// an import may write, to prove that a refused import changed nothing at all.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { demoRegies } from '../../../src/shared/demo/commune';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..', '..');

export function fileArg(name: string, content: string | Uint8Array) {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return { name, contentBase64: bytes.toString('base64') };
}

export function sampleFile(name: 'familles.csv' | 'enfants.csv' | 'factures.csv') {
  return fileArg(name, readFileSync(path.join(root, 'resources', 'samples', name)));
}

export function fixtureFile(name: string) {
  return fileArg(name, readFileSync(path.join(here, 'fixtures', name)));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every table an import writes, in full, plus both journal tips: equal means untouched. */
export function dbFingerprint(sqlite: Database.Database): Record<string, unknown> {
  const dump = (sql: string) =>
    createHash('sha256')
      .update(JSON.stringify(sqlite.prepare(sql).all()))
      .digest('hex');
  const count = (t: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return {
    families: count('family'),
    responsables: count('responsable'),
    invoices: count('invoice'),
    accounts: count('family_account'),
    statusChanges: count('invoice_status_change'),
    commands: count('command'),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
    family: dump('SELECT * FROM family ORDER BY id'),
    responsable: dump('SELECT * FROM responsable ORDER BY id'),
    invoice: dump('SELECT * FROM invoice ORDER BY id'),
    account: dump('SELECT * FROM family_account ORDER BY id'),
    search: dump('SELECT rowid, code, names, children FROM family_search ORDER BY rowid'),
  };
}

/** The demo's three régies, as a régisseur would have configured them (SQL: no handler creates one). */
export function configureDemoRegies(sqlite: Database.Database, only?: string[]): void {
  const communeId = (sqlite.prepare('SELECT min(id) AS id FROM commune').get() as { id: number })
    .id;
  const insert = sqlite.prepare(
    `INSERT INTO regie (commune_id, code, name, numcli, accepted_modes, cash_ceiling_cents,
       float_cents, creditor_label, service_name, service_address)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of demoRegies) {
    if (only && !only.includes(r.code)) continue;
    insert.run(
      communeId,
      r.code,
      r.name,
      r.numcli,
      JSON.stringify(r.acceptedModes),
      r.cashCeilingCents,
      r.floatCents,
      r.name,
      r.serviceName,
      r.serviceAddress,
    );
  }
}
