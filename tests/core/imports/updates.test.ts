// What a later file may change in what the register already holds, and how: a family's
// identity data is replaced and journaled field by field (nothing deleted), an invoice's label,
// dates and status change along the paths the billing office really takes, and each change has
// its correction entry in the journal. Also the command's idempotency, the refusal on a poste
// enrolled to a portal, and the refusal for every role but the régisseur.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDS, openTestCore, refusal, type TestCore } from '../fixtures';
import { dbFingerprint, fileArg } from './import-helpers';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore({ till: false });
  token = await t.login('regisseur');
});
afterEach(() => t.close());

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';
const FAMILY_HEADER =
  'code_famille;nom_famille;civilite_1;nom_1;prenom_1;adresse;code_postal;ville;courriel_1;civilite_2;nom_2;prenom_2';
const INVOICE_HEADER =
  'regie;numero_facture;code_famille;libelle;date_emission;date_echeance;montant;statut;deja_regle';

interface JournalRow {
  seq: number;
  kind: string;
  regie_id: number | null;
  payload: string;
}
const journalAfter = (seq: number) =>
  t.sqlite
    .prepare('SELECT seq, kind, regie_id, payload FROM journal_entry WHERE seq >= ? ORDER BY seq')
    .all(seq) as JournalRow[];

describe('families already in the register', () => {
  it('replaces identity data, journals each field, and keeps what the file does not name', async () => {
    // DUPOND (F00001): a new e-mail and a second responsable; MARTIN (F00002) unchanged.
    const first = csv(
      FAMILY_HEADER,
      'F00001;DUPOND;Mme;DUPOND;Hélène;12 rue des Lilas;69100;Villetest;helene@example.org;M.;DURAND;Marc',
      'F00002;MARTIN;M.;MARTIN;Paul;4 avenue Foch;69100;Villetest;;;;',
    );
    const preview = await t.call('import.preview', { families: fileArg('f.csv', first) }, token);
    expect(preview.families).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const r = await t.call(
      'import.apply',
      { families: fileArg('f.csv', first), commandId: crypto.randomUUID() },
      token,
    );
    const entries = journalAfter(r.journalSeq ?? 0);
    expect(entries.map((e) => e.kind)).toEqual(['import_csv', 'correction_famille']);
    expect(JSON.parse(entries[1]?.payload ?? '{}')).toEqual({
      familyCode: 'F00001',
      importSeq: r.journalSeq,
      changes: [
        { field: 'responsable1.email', old: null, new: 'helene@example.org' },
        { field: 'responsable2.civility', old: null, new: 'M.' },
        { field: 'responsable2.lastName', old: null, new: 'DURAND' },
        { field: 'responsable2.firstName', old: null, new: 'Marc' },
        { field: 'responsable2.addressLine1', old: null, new: '12 rue des Lilas' },
        { field: 'responsable2.postalCode', old: null, new: '69100' },
        { field: 'responsable2.city', old: null, new: 'Villetest' },
      ],
    });
    // The search index follows (its triggers): the new responsable's name finds the family.
    const hits = await t.call('families.search', { query: 'durand marc' }, token);
    expect(hits.map((h) => h.code)).toEqual(['F00001']);

    // A later file without the second responsable and with a new family name: the name
    // changes, the second responsable stays.
    const second = csv(
      FAMILY_HEADER,
      'F00001;DUPOND-DURAND;Mme;DUPOND;Hélène;12 rue des Lilas;69100;Villetest;helene@example.org;;;',
    );
    const r2 = await t.call(
      'import.apply',
      { families: fileArg('f2.csv', second), commandId: crypto.randomUUID() },
      token,
    );
    expect(r2.families).toMatchObject({ updated: 1 });
    const detail = await t.call('families.get', { familyId: IDS.dupond }, token);
    expect(detail.familyName).toBe('DUPOND-DURAND');
    expect(detail.responsables.map((x) => x.lastName)).toEqual(['DUPOND', 'DURAND']);
    const entries2 = journalAfter(r2.journalSeq ?? 0);
    expect(JSON.parse(entries2[1]?.payload ?? '{}').changes).toEqual([
      { field: 'familyName', old: 'DUPOND', new: 'DUPOND-DURAND' },
    ]);
    const search = await t.call('families.search', { query: 'dupond-durand' }, token);
    expect(search.map((h) => h.code)).toEqual(['F00001']);

    const list = await t.call(
      'journal.list',
      { kinds: ['correction_famille', 'import_csv'] },
      token,
    );
    expect(list.entries.map((e) => e.summary)).toEqual([
      'Famille F00001 corrigée par import : 1 champ(s) modifié(s)',
      'Import CSV : f2.csv : 0 créée(s), 1 mise(s) à jour, 0 inchangée(s)',
      'Famille F00001 corrigée par import : 7 champ(s) modifié(s)',
      'Import CSV : f.csv : 0 créée(s), 1 mise(s) à jour, 1 inchangée(s)',
    ]);
    expect((await t.call('journal.verify', {}, token)).ok).toBe(true);
  });
});

describe('invoices already in the register', () => {
  it('takes a change of label, due date and status, and journals it', async () => {
    const file = csv(
      INVOICE_HEADER,
      // FAC-SCO-0001 (49,00 €, due 2026-01-10): transmitted to the Trésor, new label.
      'SCO;FAC-SCO-0001;F00001;Cantine janvier (titre);10/01/2026;10/01/2026;49,00;transmise au Trésor;',
      // FAC-SCO-0005 under direct debit, rejected: back to à payer with a later due date.
      'SCO;FAC-SCO-0005;F00001;Garderie février;20/02/2026;20/03/2026;25,00;à payer;',
      // FAC-SCO-0002 cancelled by the billing office (nothing paid).
      'SCO;FAC-SCO-0002;F00001;Cantine février;10/02/2026;10/02/2026;120,00;annulée;',
      // FAC-SPO-0007 unchanged.
      'SPO;FAC-SPO-0007;F00001;École de natation;15/02/2026;15/02/2026;80,00;;',
    );
    const changesBefore = (
      t.sqlite.prepare('SELECT count(*) AS n FROM invoice_status_change').get() as { n: number }
    ).n;
    const r = await t.call(
      'import.apply',
      { invoices: fileArg('factures.csv', file), commandId: crypto.randomUUID() },
      token,
    );
    expect(r.invoices).toMatchObject({ created: 0, updated: 3, unchanged: 1 });
    const row = (id: number) =>
      t.sqlite.prepare('SELECT label, due_date, status FROM invoice WHERE id = ?').get(id);
    expect(row(IDS.inv1)).toEqual({
      label: 'Cantine janvier (titre)',
      due_date: '2026-01-10',
      status: 'tresorerie',
    });
    expect(row(IDS.invPrelevement)).toEqual({
      label: 'Garderie février',
      due_date: '2026-03-20',
      status: 'emise',
    });
    expect(row(IDS.inv2)).toMatchObject({ status: 'annulee' });
    // The invoice guards of migration 0006 record every status change.
    const changesAfter = (
      t.sqlite.prepare('SELECT count(*) AS n FROM invoice_status_change').get() as { n: number }
    ).n;
    expect(changesAfter - changesBefore).toBe(3);

    const list = await t.call('journal.list', { kinds: ['correction_facture'] }, token);
    expect(list.entries.map((e) => e.summary).sort()).toEqual([
      'Facture FAC-SCO-0001 corrigée par import : libellé Cantine janvier → Cantine janvier (titre), statut à payer → transmise au Trésor',
      'Facture FAC-SCO-0002 corrigée par import : statut à payer → annulée',
      'Facture FAC-SCO-0005 corrigée par import : échéance 2026-02-20 → 2026-03-20, statut prélèvement → à payer',
    ]);
    expect(list.entries.every((e) => e.regieCode === 'SCO')).toBe(true);
  });

  it('refuses to cancel an invoice that has received money, and writes nothing', async () => {
    // Created by import with 20,00 € already paid before Guichet.
    const create = csv(
      INVOICE_HEADER,
      'SCO;IMP-0001;F00002;Étude mars;05/03/2026;04/04/2026;60,00;;20,00',
    );
    await t.call(
      'import.apply',
      { invoices: fileArg('a.csv', create), commandId: crypto.randomUUID() },
      token,
    );
    const before = dbFingerprint(t.sqlite);
    const cancel = csv(
      INVOICE_HEADER,
      'SCO;IMP-0001;F00002;Étude mars;05/03/2026;04/04/2026;60,00;annulée;',
    );
    const e = await refusal(
      t.call(
        'import.apply',
        { invoices: fileArg('b.csv', cancel), commandId: crypto.randomUUID() },
        token,
      ),
    );
    expect(e.error.details?.errors).toEqual([
      {
        file: 'factures',
        line: 2,
        column: 'statut',
        message:
          'Ligne 2, colonne « statut » : la facture IMP-0001 a déjà reçu 20,00\u202f€ : elle ne peut pas être annulée par import. Annulez d’abord les paiements au guichet (ou voyez avec le comptable), puis importez à nouveau.',
      },
    ]);
    // A different "déjà réglé" is refused too: that part is fixed at creation.
    const paid = csv(
      INVOICE_HEADER,
      'SCO;IMP-0001;F00002;Étude mars;05/03/2026;04/04/2026;60,00;;30,00',
    );
    const p = await t.call('import.preview', { invoices: fileArg('c.csv', paid) }, token);
    expect(p.errors.map((x) => x.message)).toEqual([
      'Ligne 2, colonne « deja_regle » : la facture IMP-0001 a été importée avec 20,00\u202f€ déjà réglés : ce montant est fixé à la création. Laissez la colonne vide ou remettez 20,00\u202f€.',
    ]);
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });
});

describe('commands, portal and roles', () => {
  const file = () =>
    fileArg(
      'familles.csv',
      csv(FAMILY_HEADER, 'N001;NOUVEL;Mme;NOUVEL;Anne;1 rue;69100;Villetest;;;;'),
    );

  it('returns the first result when the same command is sent again, and refuses other content', async () => {
    const commandId = crypto.randomUUID();
    const first = await t.call('import.apply', { families: file(), commandId }, token);
    const before = dbFingerprint(t.sqlite);
    const again = await t.call('import.apply', { families: file(), commandId }, token);
    expect(again).toEqual(first);
    expect(again.families).toMatchObject({ created: 1 });
    expect(dbFingerprint(t.sqlite)).toEqual(before);
    const other = fileArg(
      'familles.csv',
      csv(FAMILY_HEADER, 'N002;AUTRE;M.;AUTRE;Luc;1 rue;69100;Villetest;;;;'),
    );
    const e = await refusal(t.call('import.apply', { families: other, commandId }, token));
    expect(e.error.code).toBe('CONFLIT');
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });

  it('refuses on a poste enrolled to a portal', async () => {
    t.sqlite
      .prepare(
        `INSERT INTO sync_state (id, portal_url, counter_id, poste_code, enrolled_at)
         VALUES (1, 'https://portail.example.org', 'c-1', 'P01', '2026-03-01T08:00:00.000Z')`,
      )
      .run();
    const before = dbFingerprint(t.sqlite);
    const calls = [
      () => t.call('import.preview', { families: file() }, token),
      () => t.call('import.apply', { families: file(), commandId: crypto.randomUUID() }, token),
    ];
    for (const call of calls) {
      const e = await refusal(call());
      expect(e.error).toEqual({
        code: 'REGLE_METIER',
        reason: 'POSTE_RELIE_AU_PORTAIL',
        message:
          'Ce poste est relié au portail (https://portail.example.org) : les familles et les factures viennent du portail, l’import de fichiers CSV est désactivé. Importez les fichiers sur le portail, ou adressez-vous à son administrateur.',
      });
    }
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });

  it('is for the régisseur only', async () => {
    // Logging in is journaled: the three sessions are opened before the fingerprint.
    const others = [
      await t.login('mandataire'),
      await t.login('suppleant'),
      await t.login('controleur'),
    ];
    const before = dbFingerprint(t.sqlite);
    for (const other of others) {
      const calls = [
        () => t.call('import.preview', { families: file() }, other),
        () => t.call('import.apply', { families: file(), commandId: crypto.randomUUID() }, other),
      ];
      for (const call of calls) {
        const e = await refusal(call());
        expect(e.error).toMatchObject({
          code: 'PERMISSION_REFUSEE',
          message:
            'Votre rôle ne permet pas cette opération. Demandez au régisseur ou à son suppléant.',
        });
      }
    }
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });
});

describe('children', () => {
  const HEADER = 'code_famille;prenom;nom;date_naissance;ecole';

  it('adds children, changes only a school, and checks every line', async () => {
    const first = csv(HEADER, 'F00001;Lucas;DUPOND;12/05/2018;École du Centre');
    const r = await t.call(
      'import.apply',
      { children: fileArg('enfants.csv', first), commandId: crypto.randomUUID() },
      token,
    );
    expect(r.children).toMatchObject({ created: 1 });
    const hits = await t.call('families.search', { query: 'lucas' }, token);
    expect(hits.map((h) => h.code)).toEqual(['F00001']);

    const moved = csv(HEADER, 'F00001;Lucas;DUPOND;2018-05-12;Collège Victor Hugo');
    const r2 = await t.call(
      'import.apply',
      { children: fileArg('enfants.csv', moved), commandId: crypto.randomUUID() },
      token,
    );
    expect(r2.children).toMatchObject({ created: 0, updated: 1 });
    const entry = journalAfter(r2.journalSeq ?? 0)[1];
    expect(JSON.parse(entry?.payload ?? '{}').changes).toEqual([
      {
        field: 'enfant[Lucas DUPOND 2018-05-12].school',
        old: 'École du Centre',
        new: 'Collège Victor Hugo',
      },
    ]);

    const before = dbFingerprint(t.sqlite);
    const wrong = csv(
      HEADER,
      'F00002;Emma;MARTIN;01/02/2019;', // 2: valid
      'F00002;Emma;MARTIN;01/02/2019;', // 3: twice
      'F99999;Nina;INCONNUE;01/02/2019;', // 4: unknown family
      'F00002;;MARTIN;30/12/2030;', // 5: no first name, born in the future
    );
    const p = await t.call('import.preview', { children: fileArg('e.csv', wrong) }, token);
    expect(p.errors.map((e) => e.message)).toEqual([
      'Ligne 3, colonne « prenom » : Emma MARTIN, né(e) le 01/02/2019, figure déjà ligne 2 pour la famille F00002.',
      'Ligne 4, colonne « code_famille » : la famille « F99999 » n’existe ni dans le fichier des familles ni dans Guichet. Ajoutez-la au fichier des familles.',
      'Ligne 5, colonne « prenom » : le prénom de l’enfant est obligatoire.',
      'Ligne 5, colonne « date_naissance » : la date de naissance (30/12/2030) est après aujourd’hui (16/03/2026).',
    ]);
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });
});
