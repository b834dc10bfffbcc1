// Every kind of mistake a file can hold, each with its exact French message and the line a
// spreadsheet shows, all listed in one pass; and an import with any error writes nothing at all,
// whichever file the error is in.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMPORT_MAX_LISTED_ERRORS } from '../../../src/shared/contract';
import { openTestCore, refusal, type TestCore } from '../fixtures';
import { dbFingerprint, fileArg } from './import-helpers';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore({ till: false });
  token = await t.login('regisseur');
});
afterEach(() => t.close());

const FAMILY_HEADER =
  'code_famille;civilite_1;nom_1;prenom_1;adresse;code_postal;ville;courriel_1;telephone_portable_1;civilite_2;nom_2;prenom_2';
const INVOICE_HEADER =
  'regie;numero_facture;code_famille;libelle;date_emission;date_echeance;montant;statut;deja_regle;reference_payfip';

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

describe('errors, with their line and column', () => {
  it('lists every problem of the families file', async () => {
    const families = csv(
      FAMILY_HEADER,
      'N001;Mme;NOUVEL;Anne;1 rue Haute;69100;Villetest;anne@example.org;06 11 22 33 44;;;', // 2: valid
      'N002;Madame;;Luc;2 rue Basse;69100;Villetest;;;;;', // 3: missing nom_1
      'N003;Docteur;BRUN;Léa;3 rue;6910;Villetest;;;;;', // 4: civility; 4-digit postcode is fine
      'N004;M.;VERT;Paul;4 rue;691000;Villetest;paul-at-example.org;12;;;', // 5: cp, email, phone
      'N001;Mme;NOUVEL;Anne;1 rue Haute;69100;Villetest;;;;;', // 6: duplicate code
      '', // 7: empty line, skipped but counted
      'N005;M.;GRIS;Jean;5 rue;69100;Villetest;;;Mme;;', // 8: second responsable incomplete
      'N 6;M.;ROUX;Jean;6 rue;69100;Villetest;;;;;', // 9: bad code
      'N007;M.;ROSE;Jean;7 rue;69100;Villetest;;;;;;extra', // 10: too many values
    );
    const r = await t.call(
      'import.preview',
      { families: fileArg('familles.csv', families) },
      token,
    );
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.message)).toEqual([
      'Ligne 3, colonne « nom_1 » : le nom du responsable 1 est obligatoire.',
      'Ligne 4, colonne « civilite_1 » : « Docteur » n’est pas une civilité (M. ou Mme).',
      'Ligne 5, colonne « code_postal » : « 691000 » n’est pas un code postal (5 chiffres).',
      'Ligne 5, colonne « courriel_1 » : « paul-at-example.org » n’est pas une adresse électronique.',
      'Ligne 5, colonne « telephone_portable_1 » : « 12 » n’est pas un numéro de téléphone.',
      'Ligne 6, colonne « code_famille » : le code famille « N001 » figure déjà ligne 2 : une famille ne doit apparaître qu’une fois.',
      'Ligne 8, colonne « nom_2 » : le nom du responsable 2 est obligatoire.',
      'Ligne 8, colonne « prenom_2 » : le prénom du responsable 2 est obligatoire.',
      'Ligne 9, colonne « code_famille » : « N 6 » n’est pas un code famille valable (1 à 30 lettres, chiffres, points, tirets ou barres obliques).',
      'Ligne 10 : 13 valeurs pour 12 colonnes : une valeur contient sans doute le séparateur « ; » sans être entre guillemets.',
    ]);
    expect(r.errors[0]).toEqual({
      file: 'familles',
      line: 3,
      column: 'nom_1',
      message: 'Ligne 3, colonne « nom_1 » : le nom du responsable 1 est obligatoire.',
    });
    expect(r.families).toMatchObject({ rows: 8, created: 1 });
  });

  it('lists every problem of the invoices file, against the file and the register', async () => {
    const invoices = csv(
      INVOICE_HEADER,
      'SCO;N-1;F00001;Cantine;05/03/2026;04/04/2026;12,5O;;;', // 2: amount typo (letter O)
      'SCO;N-2;F00001;Cantine;05/03/2026;04/04/2026;0,00;;;', // 3: zero
      'SCO;N-3;F00001;Cantine;05/03/2026;04/04/2026;-5,00;;;', // 4: negative
      'SCO;N-4;F00001;Cantine;31/02/2026;04/04/2026;5,00;;;', // 5: no such day
      'SCO;N-5;F00001;Cantine;05/03/2026;le 4 avril;5,00;;;', // 6: not a date
      'SCO;N-6;F00001;Cantine;05/03/2026;04/02/2026;5,00;;;', // 7: due before issue
      'XYZ;N-7;F00001;Cantine;05/03/2026;04/04/2026;5,00;;;', // 8: unknown régie
      'SCO;N-8;F99999;Cantine;05/03/2026;04/04/2026;5,00;;;', // 9: unknown family
      'SCO;N-9;F00001;Cantine;05/03/2026;04/04/2026;5,00;payée;;', // 10: unknown status
      'SCO;N-10;F00001;Cantine;05/03/2026;04/04/2026;5,00;;6,00;', // 11: paid more than due
      'SCO;N-11;F00001;Cantine;05/03/2026;04/04/2026;5,00;;;REFDET0011', // 12: valid
      'SCO;N-11;F00001;Cantine;05/03/2026;04/04/2026;5,00;;;', // 13: duplicate number
      'SCO;N-12;F00001;Cantine;05/03/2026;04/04/2026;5,00;;;REFDET0011', // 14: duplicate refdet (file)
      'SCO;N-13;F00001;Cantine;05/03/2026;04/04/2026;5,00;;;REF000001', // 15: refdet of FAC-SCO-0001
      'SCO;N-14;F00001;;05/03/2026;04/04/2026;1.234;;;', // 16: no label, ambiguous amount
      'SCO;FAC-SCO-0001;F00002;Cantine janvier;2026-01-10;2026-01-10;50,00;;;', // 17: known invoice: family and amount
      'SPO;FAC-SCO-0002;F00001;Cantine février;2026-02-10;2026-02-10;120,00;;;', // 18: known invoice: régie
      'SCO;FAC-SCO-0006;F00001;Étude annulée;2026-02-01;2026-02-01;15,00;à payer;;', // 19: annulée stays annulée
      'SCO;FAC-SCO-0004;F00001;Garderie octobre;2025-10-10;2025-10-10;30,00;à payer;;', // 20: trésorerie stays
      'SCO;FAC-SCO-0003;F00001;Séjour classe de neige;2026-03-10;2026-03-10;450,00;;;OTHERREF1', // 21: refdet change
    );
    const r = await t.call(
      'import.preview',
      { invoices: fileArg('factures.csv', invoices) },
      token,
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      'Ligne 2, colonne « montant » : « 12,5O » n’est pas un montant (exemple : 12,50).',
      'Ligne 3, colonne « montant » : « 0,00 » : le montant d’une facture doit être supérieur à zéro.',
      'Ligne 4, colonne « montant » : « -5,00 » : le montant d’une facture doit être supérieur à zéro.',
      'Ligne 5, colonne « date_emission » : « 31/02/2026 » n’est pas une date du calendrier.',
      'Ligne 6, colonne « date_echeance » : « le 4 avril » n’est pas une date (exemple : 05/03/2026).',
      'Ligne 7, colonne « date_echeance » : l’échéance (04/02/2026) précède la date d’émission (05/03/2026).',
      'Ligne 8, colonne « regie » : régie « XYZ » inconnue. Régies de ce poste : SCO, SPO.',
      'Ligne 9, colonne « code_famille » : la famille « F99999 » n’existe ni dans le fichier des familles ni dans Guichet. Ajoutez-la au fichier des familles.',
      'Ligne 10, colonne « statut » : « payée » n’est pas un statut de facture (à payer, annulée, transmise au Trésor ou prélèvement).',
      'Ligne 11, colonne « deja_regle » : 6,00\u202f€ déjà réglés dépassent le montant de la facture (5,00\u202f€).',
      'Ligne 13, colonne « numero_facture » : la facture N-11 figure déjà ligne 12 : une facture ne doit apparaître qu’une fois.',
      'Ligne 14, colonne « reference_payfip » : la référence PayFiP REFDET0011 est déjà celle de la facture de la ligne 12 : chaque facture doit avoir la sienne.',
      'Ligne 15, colonne « reference_payfip » : la référence PayFiP REF000001 est déjà celle de la facture FAC-SCO-0001 dans Guichet : chaque facture doit avoir la sienne.',
      'Ligne 16, colonne « libelle » : le libellé est obligatoire.',
      'Ligne 16, colonne « montant » : « 1.234 » n’est pas un montant (exemple : 12,50).',
      'Ligne 17, colonne « code_famille » : la facture FAC-SCO-0001 existe déjà pour la famille F00001 : une facture ne change pas de famille. Annulez-la et émettez-en une nouvelle sous un autre numéro.',
      'Ligne 17, colonne « montant » : la facture FAC-SCO-0001 existe déjà avec un montant de 49,00\u202f€ : un montant ne se corrige pas par import. Annulez-la (statut « annulée ») et émettez-en une nouvelle sous un autre numéro.',
      'Ligne 18, colonne « regie » : la facture FAC-SCO-0002 existe déjà dans la régie SCO : une facture ne change pas de régie.',
      'Ligne 19, colonne « statut » : la facture FAC-SCO-0006 est annulée dans Guichet : une facture annulée ne redevient pas à payer. Émettez une nouvelle facture sous un autre numéro.',
      'Ligne 20, colonne « statut » : la facture FAC-SCO-0004 a été transmise au Trésor : elle ne peut plus redevenir à payer à la régie.',
      'Ligne 21, colonne « reference_payfip » : la facture FAC-SCO-0003 a déjà la référence PayFiP REF000003 : une référence ne change pas (un paiement en ligne peut la porter).',
    ]);
    expect(r.invoices).toMatchObject({ rows: 20, created: 1 });
  });

  it('names unknown, duplicated and missing columns', async () => {
    const r = await t.call(
      'import.preview',
      {
        families: fileArg(
          'familles.csv',
          csv('Code famille;Nom 1;Prénom 1;Adresse;Ville;Pointure;NOM_1'),
        ),
        invoices: fileArg('factures.csv', csv('regie;numero_facture;code_famille;libelle')),
      },
      token,
    );
    expect(r.errors.map((e) => [e.file, e.line, e.message])).toEqual([
      [
        'familles',
        1,
        'Ligne 1 : la colonne « Pointure » n’est pas une colonne connue. Renommez-la comme dans la documentation (code_famille, nom_famille, civilite_1, nom_1, prenom_1, adresse, complement_adresse, code_postal, ville, courriel_1, telephone_portable_1, telephone_domicile_1, telephone_travail_1, civilite_2, nom_2, prenom_2, courriel_2, telephone_portable_2, telephone_domicile_2, telephone_travail_2) ou supprimez-la.',
      ],
      [
        'familles',
        1,
        'Ligne 1 : la colonne « NOM_1 » figure deux fois (colonnes 2 et 7) : gardez-en une seule.',
      ],
      [
        'familles',
        1,
        'Ligne 1 : les colonnes obligatoires « civilite_1 », « code_postal » sont absentes.',
      ],
      [
        'factures',
        1,
        'Ligne 1 : les colonnes obligatoires « date_emission », « date_echeance », « montant » sont absentes.',
      ],
    ]);
  });

  it('reports an unclosed quote and an empty file', async () => {
    const r = await t.call(
      'import.preview',
      {
        families: fileArg(
          'familles.csv',
          csv(FAMILY_HEADER, 'N001;Mme;"NOUVEL;Anne;1 rue;69100;X;;;;;'),
        ),
        invoices: fileArg('factures.csv', ''),
      },
      token,
    );
    expect(r.errors.map((e) => e.message)).toEqual([
      'Ligne 2 : un guillemet ouvert n’est jamais refermé : vérifiez les guillemets de cette ligne.',
      'Le fichier est vide : la première ligne doit porter les noms des colonnes.',
    ]);
  });

  it('lists the first 200 errors and counts the others', async () => {
    const lines = [INVOICE_HEADER];
    for (let i = 0; i < 250; i++) {
      lines.push(`SCO;C-${i};F00001;Cantine;05/03/2026;04/04/2026;douze;;;`);
    }
    const r = await t.call('import.preview', { invoices: fileArg('f.csv', csv(...lines)) }, token);
    expect(r.errors).toHaveLength(IMPORT_MAX_LISTED_ERRORS);
    expect(r.moreErrors).toBe(50);
    expect(r.errors[199]?.line).toBe(201);
  });
});

describe('all or nothing', () => {
  it('imports nothing, in either file, when one invoice line is wrong', async () => {
    const before = dbFingerprint(t.sqlite);
    const families = csv(FAMILY_HEADER, 'N001;Mme;NOUVEL;Anne;1 rue Haute;69100;Villetest;;;;;');
    const invoices = csv(
      INVOICE_HEADER,
      'SCO;N-0001;N001;Cantine;05/03/2026;04/04/2026;12,50;;;',
      'SCO;N-0002;N001;Cantine;05/03/2026;04/04/2026;12,5O;;;',
    );
    const args = {
      families: fileArg('familles.csv', families),
      invoices: fileArg('factures.csv', invoices),
      commandId: crypto.randomUUID(),
    };
    const e = await refusal(t.call('import.apply', args, token));
    expect(e.error).toMatchObject({
      code: 'VALIDATION',
      reason: 'IMPORT_INVALIDE',
      message:
        'Une erreur empêche l’import : rien n’a été importé. Corrigez la ligne indiquée dans le fichier, puis importez-le à nouveau.',
    });
    expect(e.error.details).toMatchObject({
      errors: [
        {
          file: 'factures',
          line: 3,
          column: 'montant',
          message:
            'Ligne 3, colonne « montant » : « 12,5O » n’est pas un montant (exemple : 12,50).',
        },
      ],
      moreErrors: 0,
    });
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });

  it('refuses with a French message when no file is given or a file is too large', async () => {
    const before = dbFingerprint(t.sqlite);
    const none = await refusal(t.call('import.apply', { commandId: crypto.randomUUID() }, token));
    expect(none.error).toMatchObject({
      code: 'VALIDATION',
      message:
        'Aucun fichier à importer : choisissez le fichier des familles, celui des enfants ou celui des factures.',
    });
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x41);
    const tooBig = await refusal(
      t.call('import.preview', { invoices: fileArg('enorme.csv', big) }, token),
    );
    expect(tooBig.error).toMatchObject({
      code: 'VALIDATION',
      reason: 'FICHIER_TROP_GROS',
      message:
        'Le fichier « enorme.csv » pèse 20,0 Mo : la limite est de 20 Mo par fichier. Découpez-le en plusieurs fichiers et importez-les l’un après l’autre. Rien n’a été importé.',
    });
    expect(dbFingerprint(t.sqlite)).toEqual(before);
  });
});
