// Coupon batches: one PDF in postal-code order for every family with something due, built in
// the background with progress; codes issued all together, with one journal entry, only when
// the file is complete; a cancelled batch issues and keeps nothing.
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { couponsDirFor } from '../../../src/core/coupons/batch';
import type { CouponBatchStatus } from '../../../src/shared/contract';
import { accessCodeSha256 } from '../../../src/shared/access-code';
import { extractPdfText, normalizeSpaces } from '../../helpers/pdf-text';
import { IDS, newCommandId, openTestCore, pdfBytes, refusal, type TestCore } from '../fixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
  t.sqlite
    .prepare(
      "INSERT INTO setting (key, value) VALUES ('family_portal_url', 'https://famille.villetest.fr')",
    )
    .run();
});
afterEach(() => t.close());

/** Adds families with one open SCO invoice each, at the given postal codes. */
function addFamilies(list: { name: string; postalCode: string; issue?: string }[]): void {
  const fam = t.sqlite.prepare('INSERT INTO family (code, family_name) VALUES (?, ?)');
  const resp = t.sqlite.prepare(
    `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1, postal_code, city)
     VALUES (?, 1, 'M.', ?, 'Jean', '1 rue Haute', ?, 'Ailleurs')`,
  );
  const acct = t.sqlite.prepare('INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)');
  const inv = t.sqlite.prepare(
    `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
     VALUES (?, ?, ?, 'Cantine', ?, ?, ?, 2500, ?, 'emise', 'import')`,
  );
  list.forEach((f, i) => {
    const id = Number(fam.run(`G${String(i).padStart(5, '0')}`, f.name).lastInsertRowid);
    resp.run(id, f.name, f.postalCode);
    acct.run(id, IDS.sco);
    const issue = f.issue ?? '2026-02-01';
    inv.run(
      `FAC-LOT-${i}`,
      IDS.sco,
      id,
      issue.slice(0, 7),
      issue,
      '2026-04-01',
      `LOT${String(i).padStart(6, '0')}`,
    );
  });
}

function snapshot() {
  const n = (table: string) =>
    (t.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    codes: n('access_code'),
    outbox: n('sync_outbox'),
    commands: n('command'),
    journal: t.sqlite.prepare('SELECT last_seq FROM journal_tip').get(),
  };
}

async function waitFor(jobId: string, token: string): Promise<CouponBatchStatus> {
  for (;;) {
    const s = await t.call('coupons.batchStatus', { jobId }, token);
    if (s.state !== 'en_cours') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('coupons.batchStart', () => {
  it('prints every family with something due, sorted by postal code then name, and issues the codes as one batch', async () => {
    addFamilies([
      { name: 'ZOLA', postalCode: '13001' },
      { name: 'ARNAUD', postalCode: '75011' },
      { name: 'BLANC', postalCode: '13001' },
      { name: 'COLIN', postalCode: '01000' },
    ]);
    const token = await t.login('regisseur');
    const before = snapshot();
    const jobId = newCommandId();
    const started = await t.call(
      'coupons.batchStart',
      { commandId: jobId, regieId: IDS.sco, period: null, issueCodes: true },
      token,
    );
    expect(started).toMatchObject({
      jobId,
      state: 'en_cours',
      regieCode: 'SCO',
      total: 6,
      codesIssued: 0,
      fileName: null,
    });
    // A replay of the same command is the same job.
    expect(
      (
        await t.call(
          'coupons.batchStart',
          { commandId: jobId, regieId: IDS.sco, period: null, issueCodes: true },
          token,
        )
      ).jobId,
    ).toBe(jobId);
    const done = await waitFor(jobId, token);
    expect(done).toMatchObject({
      state: 'termine',
      done: 6,
      total: 6,
      codesIssued: 6,
      message: null,
    });
    expect(done.fileName).toMatch(/^coupons-SCO-[0-9a-f]{8}\.pdf$/);

    const file = await t.call('coupons.batchFile', { jobId }, token);
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    expect(pdf.pages).toHaveLength(6);
    const names = pdf.pages.map((p) => {
      const line = p.lines
        .map(normalizeSpaces)
        .find(
          (l) =>
            /^(M\.|Mme) /.test(l) || l.includes(' M. Jean ') || / (M\.|Mme) \S+ [A-Z]+$/.test(l),
        );
      return line?.replace(/^.*(M\.|Mme) /, '') ?? '';
    });
    expect(names).toEqual([
      'Jean COLIN',
      'Jean BLANC',
      'Jean ZOLA',
      'Hélène DUPOND',
      'Paul MARTIN',
      'Jean ARNAUD',
    ]);

    const after = snapshot();
    expect(after.codes - before.codes).toBe(6);
    expect(after.outbox - before.outbox).toBe(6);
    expect(after.commands - before.commands).toBe(1);
    const rows = t.sqlite.prepare('SELECT batch_ref, code_sha256 FROM access_code').all() as {
      batch_ref: string;
      code_sha256: string;
    }[];
    expect(new Set(rows.map((r) => r.batch_ref))).toEqual(new Set([jobId]));
    // Every code printed is the one whose hash was stored.
    const printed =
      pdf.text.match(
        /\b[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}\b/g,
      ) ?? [];
    expect(printed).toHaveLength(6);
    expect(new Set(printed.map(accessCodeSha256))).toEqual(new Set(rows.map((r) => r.code_sha256)));

    const entries = t.sqlite
      .prepare('SELECT kind, payload FROM journal_entry WHERE seq > ? ORDER BY seq')
      .all((before.journal as { last_seq: number }).last_seq) as {
      kind: string;
      payload: string;
    }[];
    expect(entries.map((e) => e.kind)).toEqual(['coupons_lot']);
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({
      batchRef: jobId,
      regieCode: 'SCO',
      period: null,
      coupons: 6,
      codesIssued: 6,
    });
    for (const code of printed) expect(entries[0]!.payload).not.toContain(code);
    const list = await t.call('journal.list', { book: 'operations', page: 1, pageSize: 1 }, token);
    expect(list.entries[0]?.summary).toBe(
      'Lot de coupons, régie SCO : 6 coupon(s), 6 code(s) d’accès émis',
    );
  });

  it('limits a batch to the invoices issued in the period asked, and prints no code when not asked', async () => {
    addFamilies([
      { name: 'AVRIL', postalCode: '69001', issue: '2026-04-03' },
      { name: 'MARS', postalCode: '69002', issue: '2026-03-05' },
    ]);
    const token = await t.login('suppleant');
    const jobId = newCommandId();
    await t.call(
      'coupons.batchStart',
      { commandId: jobId, regieId: IDS.sco, period: '2026-04', issueCodes: false },
      token,
    );
    const done = await waitFor(jobId, token);
    expect(done).toMatchObject({ state: 'termine', total: 1, codesIssued: 0, period: '2026-04' });
    const pdf = await extractPdfText(
      pdfBytes((await t.call('coupons.batchFile', { jobId }, token)).pdfBase64),
    );
    expect(pdf.pages).toHaveLength(1);
    expect(pdf.text).toContain('AVRIL');
    expect(pdf.text).toContain('Factures émises en 04/2026');
    expect(pdf.text).not.toContain('Code d’activation');
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM access_code').get()).toEqual({ n: 0 });
  });

  it('keeps nothing of a cancelled batch: no code, no journal entry, no file', async () => {
    addFamilies(
      Array.from({ length: 60 }, (_, i) => ({
        name: `FAMILLE${i}`,
        postalCode: String(10000 + i),
      })),
    );
    const token = await t.login('regisseur');
    const before = snapshot();
    const filesBefore = existsSync(couponsDirFor(':memory:'))
      ? readdirSync(couponsDirFor(':memory:')).length
      : 0;
    const jobId = newCommandId();
    await t.call(
      'coupons.batchStart',
      { commandId: jobId, regieId: IDS.sco, period: null, issueCodes: true },
      token,
    );
    // Let it start, then cancel while it runs.
    await new Promise((r) => setImmediate(r));
    const cancelled = await t.call('coupons.batchCancel', { jobId }, token);
    expect(cancelled.state).toBe('annule');
    expect(cancelled.message).toBe(
      'Lot annulé : aucun code n’a été émis et aucun fichier n’a été gardé.',
    );
    await new Promise((r) => setTimeout(r, 300));
    const s = await t.call('coupons.batchStatus', { jobId }, token);
    expect(s.state).toBe('annule');
    expect(s.done).toBeLessThan(s.total);
    expect(snapshot()).toEqual(before);
    expect(readdirSync(couponsDirFor(':memory:')).length).toBe(filesBefore);
    const noFile = await refusal(t.call('coupons.batchFile', { jobId }, token));
    expect(noFile.error.reason).toBe('LOT_SANS_FICHIER');
  });

  it('refuses what a person can get wrong, in French, changing nothing', async () => {
    const regisseur = await t.login('regisseur');
    const mandataire = await t.login('mandataire');
    const before = snapshot();
    const denied = await refusal(
      t.call(
        'coupons.batchStart',
        { commandId: newCommandId(), regieId: IDS.sco, period: null, issueCodes: true },
        mandataire,
      ),
    );
    expect(denied.error.code).toBe('PERMISSION_REFUSEE');
    const cancelDenied = await refusal(
      t.call('coupons.batchCancel', { jobId: newCommandId() }, mandataire),
    );
    expect(cancelDenied.error.code).toBe('PERMISSION_REFUSEE');
    const noRegie = await refusal(
      t.call(
        'coupons.batchStart',
        { commandId: newCommandId(), regieId: 404, period: null, issueCodes: true },
        regisseur,
      ),
    );
    expect(noRegie.error.message).toMatch(/^Cette régie est introuvable/);
    const nothing = await refusal(
      t.call(
        'coupons.batchStart',
        { commandId: newCommandId(), regieId: IDS.sco, period: '2020-01', issueCodes: true },
        regisseur,
      ),
    );
    expect(nothing.error).toMatchObject({ code: 'REGLE_METIER', reason: 'RIEN_A_PAYER' });
    expect(nothing.error.message).toBe(
      'Aucune famille n’a de facture à payer émise en 01/2020 à la régie « Régie scolaire et périscolaire » : il n’y a aucun coupon à imprimer.',
    );
    const badPeriod = await refusal(
      t.call(
        'coupons.batchStart',
        { commandId: newCommandId(), regieId: IDS.sco, period: '2026-13', issueCodes: true },
        regisseur,
      ),
    );
    expect(badPeriod.error.message).toContain('Période de facturation attendue au format AAAA-MM.');
    const unknown = await refusal(
      t.call('coupons.batchStatus', { jobId: newCommandId() }, mandataire),
    );
    expect(unknown.error).toMatchObject({ code: 'INTROUVABLE', reason: 'LOT_INCONNU' });
    expect(unknown.error.message).toContain(
      'Si l’application a redémarré depuis son lancement, le lot a été perdu sans émettre aucun code',
    );
    const badId = await refusal(t.call('coupons.batchFile', { jobId: 'x' }, mandataire));
    expect(badId.error.message).toContain('Identifiant de lot invalide.');
    expect(snapshot()).toEqual(before);
  });

  it('runs one batch at a time and cannot cancel a finished one', async () => {
    const token = await t.login('regisseur');
    const first = newCommandId();
    await t.call(
      'coupons.batchStart',
      { commandId: first, regieId: IDS.sco, period: null, issueCodes: false },
      token,
    );
    const busy = await refusal(
      t.call(
        'coupons.batchStart',
        { commandId: newCommandId(), regieId: IDS.spo, period: null, issueCodes: false },
        token,
      ),
    );
    expect(busy.error.reason).toBe('LOT_EN_COURS');
    expect((await waitFor(first, token)).state).toBe('termine');
    const late = await refusal(t.call('coupons.batchCancel', { jobId: first }, token));
    expect(late.error.reason).toBe('LOT_TERMINE');
    const second = newCommandId();
    await t.call(
      'coupons.batchStart',
      { commandId: second, regieId: IDS.spo, period: null, issueCodes: false },
      token,
    );
    expect((await waitFor(second, token)).total).toBe(2);
  });
});
