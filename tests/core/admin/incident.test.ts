// The incident report: a zip of the logs, the technical journal, the versions, the settings and
// the verification, for support, with no family personal data in it, not even in a log line
// that happened to quote a family.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setSetting } from '../../../src/core/settings';
import { chequePayment, openFileCore, type FileCore } from './admin-fixtures';

let t: FileCore;
beforeEach(async () => {
  t = await openFileCore();
});
afterEach(() => t.dispose());

function writeLogs(): void {
  const dir = path.join(t.dir, 'journaux');
  mkdirSync(dir, { recursive: true });
  const line = (msg: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ level: 50, time: 1_773_653_400_000, msg, ...extra });
  writeFileSync(
    path.join(dir, 'guichet.log'),
    [
      line('erreur interne', {
        handler: 'families.get',
        err: { message: 'Famille DUPOND Hélène, 12 rue des Lilas, 69100 Villetest introuvable' },
      }),
      line('recherche lente', { query: 'martin paul', email: 'helene.dupond@example.fr' }),
      line('appel', { note: 'rappeler au 06 12 34 56 78 ou +33 4 78 00 00 00' }),
      line('imprimante hors ligne : EPSON TM-T20III'),
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'guichet.log.1'), `${line('ancienne erreur : Zoé Bernard')}\n`);
  writeFileSync(path.join(dir, 'autre.txt'), 'pas un log de Guichet');
}

function unzip(base64: string): Record<string, string> {
  const files = unzipSync(new Uint8Array(Buffer.from(base64, 'base64')));
  return Object.fromEntries(
    Object.entries(files)
      .filter(([k]) => !k.endsWith('/'))
      .map(([k, v]) => [k, strFromU8(v)]),
  );
}

describe('incident.report', () => {
  it('zips logs, technical journal, versions, settings and verification', async () => {
    writeLogs();
    const mandataire = await t.login('mandataire');
    await t.call('payments.record', chequePayment(), mandataire);
    const r = await t.call('incident.report', {}, mandataire);

    expect(r.fileName).toBe('rapport-incident-P01-2026-03-16T093000Z.zip');
    const files = unzip(r.base64);
    expect(Object.keys(files).sort()).toEqual(
      [
        'LISEZMOI.txt',
        'journal-technique.csv',
        'journal-technique.json',
        'journaux/guichet.log',
        'journaux/guichet.log.1',
        'parametres.json',
        'sauvegardes.json',
        'verification.json',
        'versions.json',
      ].sort(),
    );
    expect(r.entries.sort()).toEqual(Object.keys(files).sort());

    const versions = JSON.parse(files['versions.json'] ?? '{}') as Record<string, unknown>;
    expect(versions).toMatchObject({
      node: process.versions.node,
      platform: process.platform,
      schema: t.core.migration.schemaVersion,
    });
    expect(JSON.parse(files['verification.json'] ?? '{}')).toMatchObject({
      ok: true,
      operations: { ok: true },
      technique: { ok: true },
    });
    const jet = JSON.parse(files['journal-technique.json'] ?? '[]') as { kind: string }[];
    expect(jet.map((e) => e.kind)).toContain('demarrage');
    // CSV for a spreadsheet: UTF-8 with its byte order mark, semicolons, CRLF.
    const csv = unzipSync(new Uint8Array(Buffer.from(r.base64, 'base64')))['journal-technique.csv'];
    expect([...(csv ?? []).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(files['journal-technique.csv']).toMatch(
      /^\uFEFF?seq;instant;nature;agent;poste;contenu;empreinte\r\n1;/,
    );
    // Lines that name nobody are kept as they were.
    expect(files['journaux/guichet.log']).toContain('imprimante hors ligne : EPSON TM-T20III');
    // The report itself is journaled.
    const last = t.core.sqlite
      .prepare('SELECT kind, payload FROM tech_journal_entry ORDER BY seq DESC LIMIT 1')
      .get() as { kind: string; payload: string };
    expect(last.kind).toBe('rapport_incident');
    expect(JSON.parse(last.payload)).toMatchObject({
      fileName: r.fileName,
      logs: ['guichet.log', 'guichet.log.1'],
    });
  });

  it('carries no family name, address, e-mail or phone number, even from a log line', async () => {
    writeLogs();
    const r = await t.call('incident.report', {}, await t.login('regisseur'));
    const all = Object.values(unzip(r.base64)).join('\n');
    for (const personal of [
      'DUPOND',
      'Dupond',
      'Hélène',
      'helene',
      'Lilas',
      'MARTIN',
      'martin',
      'Paul',
      'Zoé',
      'Bernard',
      'example.fr',
      '06 12 34 56 78',
      '78 00 00 00',
    ]) {
      expect(all, personal).not.toContain(personal);
    }
    const log = unzip(r.base64)['journaux/guichet.log'] ?? '';
    expect(log).toContain('Famille [masqué] [masqué], 12 rue des [masqué]');
    expect(log).toContain('[courriel masqué]');
    expect(log).toContain('rappeler au [téléphone masqué] ou [téléphone masqué]');
  });

  it('leaves secrets out of the settings', async () => {
    setSetting(t.core.sqlite, 'sync_token', 'jeton-tres-secret');
    setSetting(t.core.sqlite, 'portal_url', 'https://agent:motdepasse@portail.ville-test.fr');
    const r = await t.call('incident.report', {}, await t.login('controleur'));
    const files = unzip(r.base64);
    const settings = JSON.parse(files['parametres.json'] ?? '{}') as Record<string, string>;
    expect(settings).toMatchObject({
      poste_code: 'P01',
      sync_token: '[retiré]',
      portal_url: 'https://[retiré]@portail.ville-test.fr',
    });
    expect(Object.values(files).join('\n')).not.toContain('jeton-tres-secret');
    expect(Object.values(files).join('\n')).not.toContain('motdepasse');
  });

  it('is made without logs when there are none', async () => {
    const r = await t.call('incident.report', {}, await t.login('mandataire'));
    const files = unzip(r.base64);
    expect(Object.keys(files).some((k) => k.startsWith('journaux/'))).toBe(false);
    expect(files['LISEZMOI.txt']).toContain('aucun fichier de log trouvé');
  });
});
