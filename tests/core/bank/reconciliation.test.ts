// Import and reconciliation through the handlers, on the fixture register: online payments as
// the portal publishes them (sync_mirror), cheque slips and cash deposits made at the counter,
// and hand-built statements of the régie's DFT account.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  emptyCount,
  rolloverTill,
  IDS,
  newCommandId,
  openTestCore,
  refusal,
  type TestCore,
} from '../fixtures';
import { chequeDraft } from '../deposits/deposit-helpers';
import { lf, crlf, statement, type Movement } from './cfonb-builder';

/** SCO's DFT account in the fixture: FR76 10071 69000 00002001012 34. */
const SCO_ACCOUNT = '00002001012';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  t.sqlite
    .prepare("UPDATE regie SET dft_account = 'FR76 1007 1690 0000 0020 0101 234' WHERE id = ?")
    .run(IDS.sco);
});
afterEach(() => t.close());

function mirrorOnline(
  sqlite: Database.Database,
  p: {
    invoiceNumber: string;
    refdet: string;
    amountCents: number;
    paidAt: string;
    idop?: string;
    numauto?: string;
    status?: string;
  },
): string {
  const ref = randomUUID();
  const data = {
    ref,
    invoiceNumber: p.invoiceNumber,
    regieCode: 'SCO',
    familyCode: 'DUP001',
    amountCents: p.amountCents,
    status: p.status ?? 'paye',
    idop: p.idop ?? randomUUID(),
    numauto: p.numauto ?? `${Math.floor(Math.random() * 1e12)}-tip`,
    startedAt: p.paidAt,
    finishedAt: p.paidAt,
    refdet: p.refdet,
    exer: '2026',
    saisie: 'T',
    resultrans: 'P',
    paidAt: p.paidAt,
    attemptAmountCents: p.amountCents,
  };
  sqlite
    .prepare(
      "INSERT INTO sync_mirror (entity, key, data, committed_at) VALUES ('online_payment', ?, ?, ?)",
    )
    .run(ref, JSON.stringify(data), p.paidAt);
  return ref;
}

const file = (movements: Movement[], opts: { from?: string; to?: string; opening?: number } = {}) =>
  lf(statement({ account: SCO_ACCOUNT, from: '2026-03-16', to: '2026-03-31', ...opts }, movements));

const importFile = (text: string, name = 'releve.txt') =>
  t.call(
    'bank.import',
    {
      commandId: newCommandId(),
      fileName: name,
      contentBase64: Buffer.from(text, 'latin1').toString('base64'),
    },
    regisseur,
  );

function bankSnapshot(sqlite: Database.Database) {
  const count = (table: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    imports: count('bank_import'),
    statements: count('bank_statement'),
    lines: count('bank_line'),
    matches: count('bank_match'),
    unmatches: count('bank_unmatch'),
    overpayments: count('online_overpayment'),
    commands: count('command'),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

async function validatedSlip(
  amounts: number[],
): Promise<{ slipId: number; number: string; totalCents: number }> {
  for (const [i, a] of amounts.entries()) {
    await t.call('payments.record', chequeDraft(a, `77000${i}${a}`), regisseur);
  }
  rolloverTill(t.sqlite, new Date(t.clock.ms));
  const d = await t.call(
    'deposits.draft',
    { commandId: newCommandId(), regieId: IDS.sco, kind: 'cheque' },
    regisseur,
  );
  const v = await t.call(
    'deposits.validate',
    { commandId: newCommandId(), slipId: d.slip.slipId },
    regisseur,
  );
  return { slipId: v.slip.slipId, number: v.slip.number!, totalCents: v.slip.totalCents };
}

async function cashDeposit(
  b50: number,
): Promise<{ id: number; number: string; totalCents: number }> {
  await t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.martin,
      regieId: IDS.sco,
      amountCents: b50 * 5000,
      method: { mode: 'especes' },
    },
    regisseur,
  );
  const r = await t.call(
    'deposits.cashDeposit',
    {
      commandId: newCommandId(),
      regieId: IDS.sco,
      counts: { ...emptyCount(), b50 },
      notesBag: `SAC${randomUUID().slice(0, 8)}`,
    },
    regisseur,
  );
  return { id: r.deposit.depositId, number: r.deposit.number, totalCents: r.deposit.totalCents };
}

describe('bank statement import', () => {
  it('imports a CFONB file, matches a PayFiP credit by its refdet, and refuses the same file or statement twice', async () => {
    const ref = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0001',
      refdet: 'REF000001',
      amountCents: 4900,
      paidAt: '2026-03-16T10:00:00Z',
    });
    const text = file([
      {
        date: '2026-03-17',
        amountCents: 4900,
        label: 'VIR DGFIP PAYFIP',
        complements: [{ qualifier: 'LIB', info: 'REFDET REF000001 EXER 2026' }],
      },
      { date: '2026-03-18', amountCents: -300, label: 'FRAIS' },
    ]);
    const r = await importFile(text);
    expect(r).toMatchObject({
      replayed: false,
      format: 'cfonb120',
      lineCount: 2,
      matchedCount: 1,
      unmatchedCount: 0,
    });
    expect(r.statements[0]).toMatchObject({
      account: SCO_ACCOUNT,
      regieCode: 'SCO',
      lineCount: 2,
      matchedCount: 1,
    });
    const detail = await t.call(
      'bank.statement',
      { statementId: r.statements[0]!.statementId },
      regisseur,
    );
    expect(detail.lines.map((l) => l.state)).toEqual(['rapprochee', 'debit']);
    expect(detail.lines[0]!.match).toMatchObject({
      origin: 'auto',
      targets: [{ kind: 'paiement_en_ligne', key: ref, amountCents: 4900 }],
    });
    const journal = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'releve_importe'")
      .all() as { payload: string }[];
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0]!.payload)).toMatchObject({
      fileName: 'releve.txt',
      lineCount: 2,
      matchedCount: 1,
      format: 'cfonb120',
    });

    const before = bankSnapshot(t.sqlite);
    const again = await refusal(importFile(text, 'copie.txt'));
    expect(again.error).toMatchObject({ code: 'CONFLIT', reason: 'RELEVE_DEJA_IMPORTE' });
    expect(again.error.message).toMatch(
      /a déjà été importé le .* \(sous le nom « releve\.txt »\)\. Rien n’a été importé/,
    );
    // A re-export with other line endings is other bytes but the same statement.
    const reexport = await refusal(importFile(crlf(text.trimEnd().split('\n'))));
    expect(reexport.error.message).toMatch(
      /Le relevé du compte 00002001012 du 16\/03\/2026 au 31\/03\/2026 .* a déjà été importé/,
    );
    expect(bankSnapshot(t.sqlite)).toEqual(before);
    // Replaying the first command returns its result and writes nothing.
  });

  it('imports a camt.053 file through the same handler, matches it, and refuses hostile XML changing nothing', async () => {
    const ref = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0002',
      refdet: 'REF000002',
      amountCents: 12000,
      paidAt: '2026-03-16T10:00:00Z',
    });
    const balance = (code: string, amount: string, day: string) =>
      `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>`;
    const xml = (doctype = '') => `<?xml version="1.0" encoding="UTF-8"?>${doctype}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>REL-2026-03-é</Id>
<Acct><Id><IBAN>FR7610071690000000200101234</IBAN></Id><Ccy>EUR</Ccy></Acct>
${balance('OPBD', '1000.00', '2026-03-16')}${balance('CLBD', '1120.00', '2026-03-31')}
<Ntry><Amt Ccy="EUR">120.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-17</Dt></BookgDt><ValDt><Dt>2026-03-17</Dt></ValDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>PAYFIP REFDET REF000002 — Ville de Test</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const send = (text: string, name: string) =>
      t.call(
        'bank.import',
        {
          commandId: newCommandId(),
          fileName: name,
          contentBase64: Buffer.from(text, 'utf8').toString('base64'),
        },
        regisseur,
      );

    // An entity-expansion bomb is refused before anything is parsed, and nothing is written.
    const before = bankSnapshot(t.sqlite);
    const bomb = await refusal(
      send(
        xml('<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'),
        'bombe.xml',
      ),
    );
    expect(bomb.error.code).toBe('VALIDATION');
    expect(bomb.error.message).toMatch(
      /^Le fichier « bombe\.xml » est refusé, rien n’a été importé/,
    );
    expect(bankSnapshot(t.sqlite)).toEqual(before);

    const r = await send(xml(), 'releve-mars.xml');
    expect(r).toMatchObject({
      format: 'camt053',
      lineCount: 1,
      matchedCount: 1,
      unmatchedCount: 0,
    });
    expect(r.statements[0]).toMatchObject({ regieCode: 'SCO', lineCount: 1, matchedCount: 1 });
    const detail = await t.call(
      'bank.statement',
      { statementId: r.statements[0]!.statementId },
      regisseur,
    );
    expect(detail.lines[0]!.match).toMatchObject({
      origin: 'auto',
      targets: [{ kind: 'paiement_en_ligne', key: ref, amountCents: 12000 }],
    });
  });

  it('refuses a malformed or unbalanced file whole, changing nothing', async () => {
    mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0001',
      refdet: 'REF000001',
      amountCents: 4900,
      paidAt: '2026-03-16T10:00:00Z',
    });
    const mandataire = await t.login('mandataire');
    const before = bankSnapshot(t.sqlite);
    const good = statement({ account: SCO_ACCOUNT, from: '2026-03-16' }, [
      { date: '2026-03-17', amountCents: 4900, label: 'PAYFIP REF000001' },
    ]);
    const bad = statement({ account: SCO_ACCOUNT, opening: 0, closing: 999, from: '2026-04-01' }, [
      { date: '2026-04-02', amountCents: 100 },
    ]);
    const e = await refusal(importFile(lf([...good, ...bad]), 'mars-avril.txt'));
    expect(e.error.code).toBe('VALIDATION');
    expect(e.error.message).toBe(
      'Le fichier « mars-avril.txt » est refusé, rien n’a été importé. Ligne 6 : le relevé du compte 00002001012 ne s’équilibre pas : ancien solde 0,00\u202f€ + mouvements 1,00\u202f€ ≠ nouveau solde 9,99\u202f€.',
    );
    const garbage = await refusal(importFile('bonjour\n'));
    expect(garbage.error.message).toMatch(
      /^Le fichier « releve\.txt » est refusé, rien n’a été importé\. Ligne 1 : code d’enregistrement « bo » inconnu/,
    );
    const empty = await refusal(
      t.call(
        'bank.import',
        { commandId: newCommandId(), fileName: 'x', contentBase64: '' },
        regisseur,
      ),
    );
    expect(empty.error).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/Le fichier est vide/),
    });
    const denied = await refusal(
      t.call(
        'bank.import',
        { commandId: newCommandId(), fileName: 'x', contentBase64: 'eA==' },
        mandataire,
      ),
    );
    expect(denied.error.code).toBe('PERMISSION_REFUSEE');
    expect(bankSnapshot(t.sqlite)).toEqual(before);
  });
});

describe('matching', () => {
  it('matches one grouped PayFiP credit to the sum of a day’s payments', async () => {
    const a = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0001',
      refdet: 'REF000001',
      amountCents: 4900,
      paidAt: '2026-03-16T08:00:00Z',
    });
    const b = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0002',
      refdet: 'REF000002',
      amountCents: 12000,
      paidAt: '2026-03-16T15:00:00Z',
    });
    // Another day's payment is not part of the group.
    mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0003',
      refdet: 'REF000003',
      amountCents: 45000,
      paidAt: '2026-03-17T15:00:00Z',
    });
    const r = await importFile(
      file([{ date: '2026-03-18', amountCents: 16900, label: 'PAYFIP DU 16/03/2026' }]),
    );
    const detail = await t.call(
      'bank.statement',
      { statementId: r.statements[0]!.statementId },
      regisseur,
    );
    expect(detail.lines[0]!.state).toBe('rapprochee');
    expect(detail.lines[0]!.match!.targets.map((x) => x.key).sort()).toEqual([a, b].sort());
  });

  it('matches a cheque slip and a cash deposit to one credit each, after their date', async () => {
    const slip = await validatedSlip([12000, 5000]);
    const cash = await cashDeposit(4);
    expect(slip.totalCents).toBe(17000);
    const r = await importFile(
      file(
        [
          // Before the slip's validation: cannot be it.
          { date: '2026-03-15', amountCents: 17000, label: 'REMISE CHEQUES' },
          { date: '2026-03-18', amountCents: 17000, label: 'REMISE CHEQUES' },
          { date: '2026-03-19', amountCents: 20000, label: 'VERSEMENT ESPECES LBP' },
        ],
        { from: '2026-03-14' },
      ),
    );
    const detail = await t.call(
      'bank.statement',
      { statementId: r.statements[0]!.statementId },
      regisseur,
    );
    expect(detail.lines.map((l) => [l.state, l.match?.targets.map((x) => x.label)])).toEqual([
      ['non_rapprochee', undefined],
      ['rapprochee', [`Bordereau ${slip.number}`]],
      ['rapprochee', [`Dépôt d’espèces ${cash.number}`]],
    ]);
    // The early line could only have been the slip, now taken: nothing left to offer.
    expect(detail.lines[0]!.candidates).toEqual([]);
  });

  it('leaves a credit with two possible deposits unmatched with both listed; the régisseur matches and unmatches it, journaled', async () => {
    const first = await cashDeposit(4);
    const second = await cashDeposit(4);
    const r = await importFile(
      file([{ date: '2026-03-19', amountCents: 20000, label: 'VERSEMENT ESPECES' }]),
    );
    const [line] = await t.call('bank.unmatched', {}, regisseur);
    expect(line).toMatchObject({
      state: 'non_rapprochee',
      statementId: r.statements[0]!.statementId,
    });
    expect(line!.candidates.flatMap((c) => c.targets.map((x) => x.key)).sort()).toEqual(
      [String(first.id), String(second.id)].sort(),
    );

    const before = bankSnapshot(t.sqlite);
    const wrongAmount = await refusal(
      t.call(
        'bank.match',
        {
          commandId: newCommandId(),
          lineId: line!.lineId,
          targets: [
            { kind: 'depot_especes', key: String(first.id) },
            { kind: 'depot_especes', key: String(second.id) },
          ],
        },
        regisseur,
      ),
    );
    expect(wrongAmount.error.message).toBe(
      'Les pièces choisies font 400,00\u202f€ et la ligne de relevé 200,00\u202f€ : le rapprochement doit être exact. Corrigez la sélection.',
    );
    const unknown = await refusal(
      t.call(
        'bank.match',
        {
          commandId: newCommandId(),
          lineId: line!.lineId,
          targets: [{ kind: 'bordereau', key: '999' }],
        },
        regisseur,
      ),
    );
    expect(unknown.error.reason).toBe('PIECE_INCONNUE');
    expect(bankSnapshot(t.sqlite)).toEqual(before);

    const cmd = newCommandId();
    const args = {
      commandId: cmd,
      lineId: line!.lineId,
      targets: [{ kind: 'depot_especes' as const, key: String(second.id) }],
    };
    const m = await t.call('bank.match', args, regisseur);
    expect(m.line).toMatchObject({
      state: 'rapprochee',
      match: { origin: 'manuel', agentName: 'Régine Titulaire' },
    });
    expect((await t.call('bank.match', args, regisseur)).replayed).toBe(true);
    const twice = await refusal(
      t.call('bank.match', { ...args, commandId: newCommandId() }, regisseur),
    );
    expect(twice.error.reason).toBe('LIGNE_DEJA_RAPPROCHEE');

    const u = await t.call(
      'bank.unmatch',
      { commandId: newCommandId(), lineId: line!.lineId, reason: 'Erreur de dépôt choisi' },
      regisseur,
    );
    expect(u.line.state).toBe('non_rapprochee');
    expect(u.line.candidates).toHaveLength(2);
    const again = await t.call(
      'bank.match',
      {
        commandId: newCommandId(),
        lineId: line!.lineId,
        targets: [{ kind: 'depot_especes', key: String(first.id) }],
      },
      regisseur,
    );
    expect(again.line.match!.targets[0]!.key).toBe(String(first.id));
    const kinds = (
      t.sqlite
        .prepare("SELECT kind FROM journal_entry WHERE kind LIKE 'rapprochement%' ORDER BY seq")
        .all() as { kind: string }[]
    ).map((k) => k.kind);
    expect(kinds).toEqual(['rapprochement_manuel', 'rapprochement_annule', 'rapprochement_manuel']);
    const journal = await t.call('journal.list', { kinds: ['rapprochement_annule'] }, regisseur);
    expect(journal.entries[0]!.summary).toBe(
      'Rapprochement manuel annulé (ligne n° 1) : Erreur de dépôt choisi',
    );
    // History is kept: the first match's rows are still there, undone by the unmatch row.
    expect(() => t.sqlite.prepare('DELETE FROM bank_match').run()).toThrow(/inaltérable/);
  });

  it('does not match a PayFiP credit naming no reference, and lists it as a candidate', async () => {
    const ref = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0002',
      refdet: 'REF000002',
      amountCents: 12000,
      paidAt: '2026-03-16T10:00:00Z',
    });
    await importFile(file([{ date: '2026-03-17', amountCents: 12000, label: 'VIREMENT RECU' }]));
    const [line] = await t.call('bank.unmatched', {}, regisseur);
    expect(line!.candidates.map((c) => c.targets.map((x) => x.key))).toEqual([[ref]]);
  });

  it('lists expected credits still missing N working days later', async () => {
    const slip = await validatedSlip([8000]);
    const ref = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0002',
      refdet: 'REF000002',
      amountCents: 12000,
      paidAt: '2026-03-16T10:00:00Z',
    });
    await importFile(file([{ date: '2026-03-17', amountCents: 12000, label: 'PAYFIP REF000002' }]));
    // Slip validated Monday 16 March; statements cover up to the 31st.
    const missing = await t.call('bank.missing', { asOf: '2026-03-31' }, regisseur);
    expect(missing.workingDays).toBe(5);
    expect(missing.items.map((i) => [i.target.label, i.expectedBy, i.workingDaysLate])).toEqual([
      [`Bordereau ${slip.number}`, '2026-03-23', 6],
    ]);
    expect(missing.items.some((i) => i.target.key === ref)).toBe(false);
    const notYet = await t.call('bank.missing', { asOf: '2026-03-20' }, regisseur);
    expect(notYet.items).toEqual([]);
    const longer = await t.call('bank.missing', { asOf: '2026-03-31', workingDays: 15 }, regisseur);
    expect(longer.items).toEqual([]);
  });
});

describe('online payments at the counter', () => {
  it('flags an unknown invoice, a different amount and an overpayment, and resolves the overpayment once, journaled', async () => {
    // Paid at the counter first...
    await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 4900,
        method: { mode: 'especes' },
        allocations: [{ invoiceId: IDS.inv1, amountCents: 4900 }],
      },
      regisseur,
    );
    // ...then online: the pull adds it to the invoice's remote part.
    const over = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0001',
      refdet: 'REF000001',
      amountCents: 4900,
      paidAt: '2026-03-16T12:00:00Z',
    });
    const partial = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0002',
      refdet: 'REF000002',
      amountCents: 5000,
      paidAt: '2026-03-16T13:00:00Z',
    });
    const unknown = mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-9999',
      refdet: 'REF009999',
      amountCents: 1000,
      paidAt: '2026-03-16T14:00:00Z',
    });
    mirrorOnline(t.sqlite, {
      invoiceNumber: 'FAC-SCO-0003',
      refdet: 'REF000003',
      amountCents: 45000,
      paidAt: '2026-03-16T15:00:00Z',
      status: 'refuse',
    });

    const view = await t.call(
      'online.reconciliation',
      { from: '2026-03-16', to: '2026-03-16' },
      regisseur,
    );
    expect(view.days).toHaveLength(1);
    const byRef = new Map(view.days[0]!.payments.map((p) => [p.ref, p]));
    expect(byRef.get(over)).toMatchObject({
      anomalies: ['trop_percu'],
      overpaymentCents: 4900,
      remainingBeforeCents: 0,
      invoiceId: IDS.inv1,
      refdet: 'REF000001',
    });
    expect(byRef.get(partial)).toMatchObject({
      anomalies: ['montant_different'],
      overpaymentCents: 0,
      remainingBeforeCents: 12000,
    });
    expect(byRef.get(unknown)).toMatchObject({ anomalies: ['facture_inconnue'], invoiceId: null });
    expect(view.days[0]).toMatchObject({ count: 4, totalCents: 10900, anomalyCount: 3 });

    const mandataire = await t.login('mandataire');
    const before = bankSnapshot(t.sqlite);
    const spoNoCredit = await refusal(
      t.call(
        'online.resolveOverpayment',
        {
          commandId: newCommandId(),
          onlinePaymentRef: partial,
          resolution: 'avoir',
          reason: 'Payé deux fois',
        },
        regisseur,
      ),
    );
    expect(spoNoCredit.error.reason).toBe('PAS_DE_TROP_PERCU');
    const denied = await refusal(
      t.call(
        'online.resolveOverpayment',
        {
          commandId: newCommandId(),
          onlinePaymentRef: over,
          resolution: 'avoir',
          reason: 'Payé deux fois',
        },
        mandataire,
      ),
    );
    expect(denied.error.code).toBe('PERMISSION_REFUSEE');
    expect(bankSnapshot(t.sqlite)).toEqual(before);

    const r = await t.call(
      'online.resolveOverpayment',
      {
        commandId: newCommandId(),
        onlinePaymentRef: over,
        resolution: 'avoir',
        reason: 'Payé au guichet et en ligne',
      },
      regisseur,
    );
    expect(r.payment.resolution).toMatchObject({
      resolution: 'avoir',
      amountCents: 4900,
      agentName: 'Régine Titulaire',
    });
    const second = await refusal(
      t.call(
        'online.resolveOverpayment',
        {
          commandId: newCommandId(),
          onlinePaymentRef: over,
          resolution: 'remboursement',
          reason: 'Finalement remboursé',
        },
        regisseur,
      ),
    );
    expect(second.error).toMatchObject({ code: 'CONFLIT', reason: 'TROP_PERCU_DEJA_TRAITE' });
    const journal = await t.call('journal.list', { kinds: ['trop_percu_avoir'] }, regisseur);
    expect(journal.entries[0]!.summary).toBe(
      'Trop-perçu en ligne de 49,00\u202f€ sur la facture FAC-SCO-0001 (famille F00001) : porté en avoir. Payé au guichet et en ligne',
    );
    const after = await t.call(
      'online.reconciliation',
      { from: '2026-03-16', to: '2026-03-16' },
      regisseur,
    );
    expect(after.anomalyCount).toBe(2);
  });
});
