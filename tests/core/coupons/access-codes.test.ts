// Activation codes of the family portal: how they are drawn, that only their hash is kept and
// synced, how a new code replaces the old one, how expiry and the portal's activation show on
// the family page, and the refusals a person can meet.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateAccessCode } from '../../../src/core/coupons/access-codes';
import { buildPayload } from '../../../src/core/sync/payloads';
import {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_LENGTH,
  accessCodeSha256,
  isWellFormedAccessCode,
  normaliseAccessCode,
} from '../../../src/shared/access-code';
import { accessCodePayloadSchema } from '../../../src/shared/sync/schemas';
import { IDS, newCommandId, openTestCore, refusal, type TestCore } from '../fixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

const DAY = 86_400_000;

function state(sqlite = t.sqlite) {
  const count = (table: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    codes: count('access_code'),
    outbox: count('sync_outbox'),
    commands: count('command'),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

describe('drawing a code', () => {
  it('uses twelve symbols of the alphabet in three groups of four, uniformly', () => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateAccessCode();
      expect(code).toMatch(
        /^[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}$/,
      );
      expect(isWellFormedAccessCode(code)).toBe(true);
      seen.add(code);
      for (const ch of code.replace(/-/g, '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(2000);
    expect(ACCESS_CODE_LENGTH).toBe(12);
    // Every symbol shows up, none excessively: 24,000 draws over 23 symbols, about 1,043 each.
    expect([...counts.keys()].sort().join('')).toBe([...ACCESS_CODE_ALPHABET].sort().join(''));
    for (const n of counts.values()) expect(n).toBeGreaterThan(850);
  });

  it('keeps no look-alike pair in the alphabet', () => {
    for (const ch of '0O1IL2Z5S8BUV') expect(ACCESS_CODE_ALPHABET).not.toContain(ch);
    expect(new Set(ACCESS_CODE_ALPHABET).size).toBe(ACCESS_CODE_ALPHABET.length);
  });

  it('hashes the normalised form: case, spaces and dashes do not matter, look-alikes do', () => {
    const h = accessCodeSha256('7KQ4-MX9C-TRH3');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    for (const typed of [
      '7kq4mx9ctrh3',
      ' 7KQ4 MX9C TRH3 ',
      '7KQ4–MX9C—TRH3',
      '７ＫＱ４-MX9C-TRH3',
    ]) {
      expect(accessCodeSha256(typed)).toBe(h);
    }
    expect(normaliseAccessCode('7kq4 mx9c-trh3')).toBe('7KQ4MX9CTRH3');
    // An O typed for a Q is not silently corrected: it is another code.
    expect(accessCodeSha256('7KO4-MX9C-TRH3')).not.toBe(h);
    expect(isWellFormedAccessCode('7KO4-MX9C-TRH3')).toBe(false);
  });
});

describe('access.issue', () => {
  it('shows the code once, stores its hash only, queues it for the portal and journals it', async () => {
    const token = await t.login('mandataire');
    const commandId = newCommandId();
    const r = await t.call(
      'access.issue',
      { commandId, familyId: IDS.dupond, regieId: IDS.sco },
      token,
    );
    expect(r.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const code = r.code ?? '';
    expect(r.accessCode).toMatchObject({
      ref: commandId,
      status: 'emis',
      issuedAt: '2026-03-16T09:30:00.000Z',
      expiresAt: new Date(Date.parse('2026-03-16T09:30:00.000Z') + 60 * DAY).toISOString(),
      issuedBy: 'Marc Guichet',
      posteCode: 'P01',
      batchRef: null,
      pendingSync: true,
      activatedAt: null,
    });
    const row = t.sqlite.prepare('SELECT * FROM access_code').get() as Record<string, unknown>;
    expect(row.code_sha256).toBe(accessCodeSha256(code));
    expect(JSON.stringify(row)).not.toContain(normaliseAccessCode(code));

    const outbox = t.sqlite
      .prepare("SELECT seq, op_id, kind, entity_id FROM sync_outbox WHERE kind = 'access_code'")
      .all() as { seq: number; op_id: string; kind: 'access_code'; entity_id: number }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.op_id).toBe(commandId);
    const payload = buildPayload(t.sqlite, outbox[0]!);
    const parsed = accessCodePayloadSchema.parse(payload);
    expect(parsed).toEqual({
      ref: commandId,
      familyCode: 'F00001',
      codeSha256: accessCodeSha256(code),
      issuedAt: '2026-03-16T09:30:00.000Z',
      expiresAt: r.accessCode?.expiresAt,
      agent: { login: 'mguichet', displayName: 'Marc Guichet' },
    });
    expect(JSON.stringify(payload)).not.toContain(normaliseAccessCode(code));

    const entry = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'code_acces_emis'")
      .get() as { payload: string };
    expect(JSON.parse(entry.payload)).toEqual({
      familyCode: 'F00001',
      regieCode: 'SCO',
      ref: commandId,
      expiresAt: r.accessCode?.expiresAt,
    });
    expect(entry.payload).not.toContain(normaliseAccessCode(code));
    expect(entry.payload).not.toContain(code);
    const page = await t.call('journal.list', { book: 'operations', page: 1, pageSize: 5 }, token);
    expect(page.entries[0]?.summary).toBe(
      `Code d’accès émis pour la famille F00001 (réf. ${commandId.slice(0, 8)}), valable jusqu’au 15/05/2026`,
    );
  });

  it('never writes the code to the database file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-code-'));
    const dbFile = path.join(dir, 'guichet.db');
    const f = await openTestCore({ dbFile });
    const codes: string[] = [];
    try {
      const token = await f.login('regisseur');
      for (const familyId of [IDS.dupond, IDS.martin]) {
        const r = await f.call(
          'access.issue',
          { commandId: newCommandId(), familyId, regieId: IDS.sco },
          token,
        );
        codes.push(r.code ?? '');
      }
      expect(f.sqlite.prepare('SELECT count(*) AS n FROM access_code').get()).toEqual({ n: 2 });
    } finally {
      f.close();
    }
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((p) => existsSync(p));
    const bytes = Buffer.concat(files.map((p) => readFileSync(p)));
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const code of codes) {
      const plain = normaliseAccessCode(code);
      for (const form of [code, plain, plain.toLowerCase()]) {
        expect(bytes.includes(Buffer.from(form, 'latin1'))).toBe(false);
        expect(bytes.includes(Buffer.from(form, 'utf16le'))).toBe(false);
      }
      // The hash is there, proving the scan looks at the right bytes.
      expect(bytes.includes(Buffer.from(accessCodeSha256(code), 'latin1'))).toBe(true);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the previous code, which the family page then shows as replaced', async () => {
    const token = await t.login('mandataire');
    const first = await t.call(
      'access.issue',
      { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
      token,
    );
    t.clock.ms += 3_600_000;
    const again = await t.login('mandataire');
    const second = await t.call(
      'access.issue',
      { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.spo },
      again,
    );
    expect(second.code).not.toBe(first.code);
    const access = await t.call('access.get', { familyId: IDS.dupond }, again);
    expect(access.familyCode).toBe('F00001');
    expect(access.current?.ref).toBe(second.accessCode?.ref);
    expect(access.history.map((h) => [h.ref, h.status])).toEqual([
      [second.accessCode?.ref, 'emis'],
      [first.accessCode?.ref, 'remplace'],
    ]);
    // The rows themselves are never changed: the database refuses it.
    expect(() => t.sqlite.prepare('UPDATE access_code SET expires_at = NULL').run()).toThrow(
      /inaltérable/,
    );
    expect(() => t.sqlite.prepare('DELETE FROM access_code').run()).toThrow(/inaltérable/);
  });

  it('shows a code as expired once its delay is past, with the delay from the settings', async () => {
    const admin = await t.login('regisseur');
    await t.call('settings.update', { accessCodeDays: 10 }, admin);
    const r = await t.call(
      'access.issue',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      admin,
    );
    expect(r.accessCode?.expiresAt).toBe('2026-03-26T09:30:00.000Z');
    t.clock.ms += 10 * DAY - 1000;
    const later = await t.login('controleur');
    expect((await t.call('access.get', { familyId: IDS.martin }, later)).current?.status).toBe(
      'emis',
    );
    t.clock.ms += 2000;
    expect((await t.call('access.get', { familyId: IDS.martin }, later)).current?.status).toBe(
      'expire',
    );
  });

  it('shows the activation the portal published, and codes issued at other postes', async () => {
    const token = await t.login('mandataire');
    const r = await t.call(
      'access.issue',
      { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
      token,
    );
    const ref = r.accessCode?.ref ?? '';
    const mirror = t.sqlite.prepare(
      "INSERT INTO sync_mirror (entity, key, data, committed_at) VALUES ('access_code', ?, ?, '2026-03-17T08:00:00.000Z')",
    );
    mirror.run(
      ref,
      JSON.stringify({
        ref,
        familyCode: 'F00001',
        status: 'active',
        issuedAt: '2026-03-16T09:30:00.000Z',
        expiresAt: r.accessCode?.expiresAt,
        activatedAt: '2026-03-17T07:59:00.000Z',
        issuedByPosteCode: 'P01',
      }),
    );
    // The push was acknowledged: the outbox row is gone.
    t.sqlite.prepare("DELETE FROM sync_outbox WHERE kind = 'access_code'").run();
    const other = '11111111-2222-4333-8444-555555555555';
    mirror.run(
      other,
      JSON.stringify({
        ref: other,
        familyCode: 'F00001',
        status: 'remplace',
        issuedAt: '2026-02-01T10:00:00.000Z',
        expiresAt: '2026-04-02T10:00:00.000Z',
        activatedAt: null,
        issuedByPosteCode: 'P02',
      }),
    );
    const access = await t.call('access.get', { familyId: IDS.dupond }, token);
    expect(access.current).toMatchObject({
      ref,
      status: 'active',
      activatedAt: '2026-03-17T07:59:00.000Z',
      pendingSync: false,
    });
    expect(access.history.map((h) => [h.ref, h.status, h.posteCode])).toEqual([
      [ref, 'active', 'P01'],
      [other, 'remplace', 'P02'],
    ]);
  });

  it('gives a replay the coupon again but never the code a second time', async () => {
    const token = await t.login('mandataire');
    const args = { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco };
    const first = await t.call('access.issue', args, token);
    const before = state();
    const again = await t.call('access.issue', args, token);
    expect(again.code).toBeNull();
    expect(again.accessCode?.ref).toBe(first.accessCode?.ref);
    expect(again.file.pdfBase64.length).toBeGreaterThan(1000);
    expect(state()).toEqual(before);
    const e = await refusal(t.call('access.issue', { ...args, regieId: IDS.spo }, token));
    expect(e.error.code).toBe('CONFLIT');
    expect(state()).toEqual(before);
  });

  it('refuses an unknown family, an unknown régie, a régie without account, and the contrôleur', async () => {
    const token = await t.login('mandataire');
    const controleur = await t.login('controleur');
    const before = state();
    const noFamily = await refusal(
      t.call('access.issue', { commandId: newCommandId(), familyId: 999, regieId: IDS.sco }, token),
    );
    expect(noFamily.error).toMatchObject({ code: 'INTROUVABLE' });
    expect(noFamily.error.message).toMatch(/famille est introuvable/);
    const noRegie = await refusal(
      t.call(
        'access.issue',
        { commandId: newCommandId(), familyId: IDS.dupond, regieId: 99 },
        token,
      ),
    );
    expect(noRegie.error).toMatchObject({ code: 'INTROUVABLE' });
    expect(noRegie.error.message).toMatch(/régie est introuvable/);
    const noAccount = await refusal(
      t.call(
        'access.issue',
        { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.spo },
        token,
      ),
    );
    expect(noAccount.error).toMatchObject({ code: 'REGLE_METIER', reason: 'SANS_COMPTE_REGIE' });
    expect(noAccount.error.message).toContain('MARTIN');
    const bad = await refusal(
      t.call(
        'access.issue',
        { commandId: 'pas-un-uuid', familyId: IDS.dupond, regieId: IDS.sco },
        token,
      ),
    );
    expect(bad.error.code).toBe('VALIDATION');
    const denied = await refusal(
      t.call(
        'access.issue',
        { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
        controleur,
      ),
    );
    expect(denied.error.code).toBe('PERMISSION_REFUSEE');
    expect(state()).toEqual(before);
    const gone = await refusal(t.call('access.get', { familyId: 999 }, token));
    expect(gone.error.message).toMatch(/famille est introuvable/);
  });

  it('lists nothing for a family that never had a code', async () => {
    const access = await t.call(
      'access.get',
      { familyId: IDS.bernard },
      await t.login('controleur'),
    );
    expect(access).toEqual({
      familyCode: 'F00003',
      current: null,
      history: [],
      familyPortalUrl: null,
    });
  });
});
