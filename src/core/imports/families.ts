// familles.csv: one line per family, with its first responsable and optionally a second one.
// The household has one address, which both responsables receive. A family already in the
// register (same code famille) has its identity data replaced by the file's, and every field
// that changes is listed so the import can journal it; nothing is ever deleted: a second
// responsable known to the register but absent from the file is kept as it is.
import type Database from 'better-sqlite3';
import { parseCivility, parseEmail, parsePhone, parsePostalCode, shown } from './values';
import type { ColumnSpec, IssueList, Sheet } from './sheet';

export type FamilyColumn =
  | 'code'
  | 'familyName'
  | 'civility1'
  | 'lastName1'
  | 'firstName1'
  | 'address1'
  | 'address2'
  | 'postalCode'
  | 'city'
  | 'email1'
  | 'mobile1'
  | 'home1'
  | 'work1'
  | 'civility2'
  | 'lastName2'
  | 'firstName2'
  | 'email2'
  | 'mobile2'
  | 'home2'
  | 'work2';

export const familyColumns: readonly ColumnSpec<FamilyColumn>[] = [
  {
    key: 'code',
    name: 'code_famille',
    required: true,
    aliases: ['code', 'numero famille', 'identifiant famille', 'id famille'],
  },
  { key: 'familyName', name: 'nom_famille', required: false, aliases: ['famille'] },
  {
    key: 'civility1',
    name: 'civilite_1',
    required: true,
    aliases: ['civilite', 'civilite responsable 1'],
  },
  { key: 'lastName1', name: 'nom_1', required: true, aliases: ['nom', 'nom responsable 1'] },
  {
    key: 'firstName1',
    name: 'prenom_1',
    required: true,
    aliases: ['prenom', 'prenom responsable 1'],
  },
  { key: 'address1', name: 'adresse', required: true, aliases: ['adresse ligne 1', 'rue'] },
  {
    key: 'address2',
    name: 'complement_adresse',
    required: false,
    aliases: ['adresse ligne 2', 'complement'],
  },
  { key: 'postalCode', name: 'code_postal', required: true, aliases: ['cp'] },
  { key: 'city', name: 'ville', required: true, aliases: ['commune', 'localite'] },
  {
    key: 'email1',
    name: 'courriel_1',
    required: false,
    aliases: ['courriel', 'email', 'e-mail', 'mail', 'email 1', 'e-mail 1', 'mail 1'],
  },
  {
    key: 'mobile1',
    name: 'telephone_portable_1',
    required: false,
    aliases: ['portable', 'portable 1', 'mobile', 'mobile 1'],
  },
  {
    key: 'home1',
    name: 'telephone_domicile_1',
    required: false,
    aliases: ['telephone', 'telephone 1', 'domicile 1'],
  },
  { key: 'work1', name: 'telephone_travail_1', required: false, aliases: ['travail 1'] },
  { key: 'civility2', name: 'civilite_2', required: false, aliases: ['civilite responsable 2'] },
  { key: 'lastName2', name: 'nom_2', required: false, aliases: ['nom responsable 2'] },
  { key: 'firstName2', name: 'prenom_2', required: false, aliases: ['prenom responsable 2'] },
  {
    key: 'email2',
    name: 'courriel_2',
    required: false,
    aliases: ['email 2', 'e-mail 2', 'mail 2'],
  },
  {
    key: 'mobile2',
    name: 'telephone_portable_2',
    required: false,
    aliases: ['portable 2', 'mobile 2'],
  },
  { key: 'home2', name: 'telephone_domicile_2', required: false, aliases: ['domicile 2'] },
  { key: 'work2', name: 'telephone_travail_2', required: false, aliases: ['travail 2'] },
];

export interface ResponsableDraft {
  rank: 1 | 2;
  civility: string;
  lastName: string;
  firstName: string;
  addressLine1: string;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  email: string | null;
  phoneMobile: string | null;
  phoneHome: string | null;
  phoneWork: string | null;
}

export interface FamilyDraft {
  line: number;
  code: string;
  familyName: string;
  responsables: ResponsableDraft[];
}

export interface FieldChange {
  field: string;
  old: string | null;
  new: string | null;
}

export type FamilyPlan =
  | { action: 'create'; draft: FamilyDraft }
  | { action: 'update'; draft: FamilyDraft; familyId: number; changes: FieldChange[] }
  | { action: 'unchanged'; draft: FamilyDraft; familyId: number };

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$/;

/** Reads and checks every line; returns the valid families and every code seen in the file. */
export function draftFamilies(
  sheet: Sheet<FamilyColumn>,
  issues: IssueList,
): { drafts: FamilyDraft[]; codesInFile: Set<string> } {
  const drafts: FamilyDraft[] = [];
  const codesInFile = new Set<string>();
  const firstLineOf = new Map<string, number>();
  for (const row of sheet.rows) {
    const before = issues.count;
    const cell = (key: FamilyColumn) => row.get(key);
    const problem = (key: FamilyColumn, text: string) =>
      issues.add('familles', row.line, row.header(key), text);
    const required = (key: FamilyColumn, what: string, max: number): string => {
      const v = cell(key);
      if (v === '') problem(key, `${what} est obligatoire.`);
      else if (v.length > max) problem(key, `${shown(v)} dépasse ${max} caractères.`);
      return v;
    };
    const optional = (key: FamilyColumn, max: number): string | null => {
      const v = cell(key);
      if (v.length > max) problem(key, `${shown(v)} dépasse ${max} caractères.`);
      return v === '' ? null : v;
    };
    const parsedOptional = (
      key: FamilyColumn,
      parse: (raw: string) => { ok: true; value: string } | { ok: false; problem: string },
    ): string | null => {
      const v = cell(key);
      if (v === '') return null;
      const p = parse(v);
      if (!p.ok) {
        problem(key, p.problem);
        return null;
      }
      return p.value;
    };

    const code = cell('code');
    if (code === '') problem('code', 'le code famille est obligatoire.');
    else if (!CODE_RE.test(code)) {
      problem(
        'code',
        `${shown(code)} n’est pas un code famille valable (1 à 30 lettres, chiffres, points, tirets ou barres obliques).`,
      );
    } else {
      codesInFile.add(code);
      const first = firstLineOf.get(code);
      if (first !== undefined) {
        issues.add(
          'familles',
          row.line,
          row.header('code'),
          `le code famille « ${code} » figure déjà ligne ${first} : une famille ne doit apparaître qu’une fois.`,
        );
      } else {
        firstLineOf.set(code, row.line);
      }
    }

    const civilityOf = (key: FamilyColumn): string => {
      const v = cell(key);
      if (v === '') {
        problem(key, 'la civilité est obligatoire (M. ou Mme).');
        return '';
      }
      const p = parseCivility(v);
      if (!p.ok) problem(key, p.problem);
      return p.ok ? p.value : '';
    };

    const civility1 = civilityOf('civility1');
    const lastName1 = required('lastName1', 'le nom du responsable 1', 100);
    const firstName1 = required('firstName1', 'le prénom du responsable 1', 100);
    const addressLine1 = required('address1', 'l’adresse', 200);
    const addressLine2 = optional('address2', 200);
    let postalCode = '';
    if (cell('postalCode') === '') problem('postalCode', 'le code postal est obligatoire.');
    else {
      const p = parsePostalCode(cell('postalCode'));
      if (p.ok) postalCode = p.value;
      else problem('postalCode', p.problem);
    }
    const city = required('city', 'la ville', 100);
    const familyName = optional('familyName', 100) ?? lastName1;
    const address = { addressLine1, addressLine2, postalCode, city };
    const responsables: ResponsableDraft[] = [
      {
        rank: 1,
        civility: civility1,
        lastName: lastName1,
        firstName: firstName1,
        ...address,
        email: parsedOptional('email1', parseEmail),
        phoneMobile: parsedOptional('mobile1', parsePhone),
        phoneHome: parsedOptional('home1', parsePhone),
        phoneWork: parsedOptional('work1', parsePhone),
      },
    ];
    const second: FamilyColumn[] = [
      'civility2',
      'lastName2',
      'firstName2',
      'email2',
      'mobile2',
      'home2',
      'work2',
    ];
    if (second.some((k) => cell(k) !== '')) {
      responsables.push({
        rank: 2,
        civility: civilityOf('civility2'),
        lastName: required('lastName2', 'le nom du responsable 2', 100),
        firstName: required('firstName2', 'le prénom du responsable 2', 100),
        ...address,
        email: parsedOptional('email2', parseEmail),
        phoneMobile: parsedOptional('mobile2', parsePhone),
        phoneHome: parsedOptional('home2', parsePhone),
        phoneWork: parsedOptional('work2', parsePhone),
      });
    }
    if (issues.count === before) drafts.push({ line: row.line, code, familyName, responsables });
  }
  return { drafts, codesInFile };
}

interface ResponsableRow {
  rank: number;
  civility: string;
  last_name: string;
  first_name: string;
  address_line1: string;
  address_line2: string | null;
  postal_code: string;
  city: string;
  email: string | null;
  phone_mobile: string | null;
  phone_home: string | null;
  phone_work: string | null;
}

const RESPONSABLE_FIELDS = [
  ['civility', 'civility'],
  ['lastName', 'last_name'],
  ['firstName', 'first_name'],
  ['addressLine1', 'address_line1'],
  ['addressLine2', 'address_line2'],
  ['postalCode', 'postal_code'],
  ['city', 'city'],
  ['email', 'email'],
  ['phoneMobile', 'phone_mobile'],
  ['phoneHome', 'phone_home'],
  ['phoneWork', 'phone_work'],
] as const satisfies readonly (readonly [keyof ResponsableDraft, keyof ResponsableRow])[];

/** What the import would do with each valid family, compared with the register's data. */
export function planFamilies(sqlite: Database.Database, drafts: FamilyDraft[]): FamilyPlan[] {
  const findFamily = sqlite.prepare('SELECT id, family_name FROM family WHERE code = ?');
  const findResponsables = sqlite.prepare(
    `SELECT rank, civility, last_name, first_name, address_line1, address_line2, postal_code, city,
            email, phone_mobile, phone_home, phone_work
       FROM responsable WHERE family_id = ? ORDER BY rank`,
  );
  return drafts.map((draft): FamilyPlan => {
    const existing = findFamily.get(draft.code) as { id: number; family_name: string } | undefined;
    if (!existing) return { action: 'create', draft };
    const rows = findResponsables.all(existing.id) as ResponsableRow[];
    const changes: FieldChange[] = [];
    if (existing.family_name !== draft.familyName) {
      changes.push({ field: 'familyName', old: existing.family_name, new: draft.familyName });
    }
    for (const r of draft.responsables) {
      const row = rows.find((x) => x.rank === r.rank);
      for (const [draftKey, rowKey] of RESPONSABLE_FIELDS) {
        const old = row ? row[rowKey] : null;
        const value = r[draftKey];
        if (old !== value) {
          changes.push({ field: `responsable${r.rank}.${draftKey}`, old, new: value });
        }
      }
    }
    return changes.length === 0
      ? { action: 'unchanged', draft, familyId: existing.id }
      : { action: 'update', draft, familyId: existing.id, changes };
  });
}

/** Writes the families to create or update. Runs inside the import's transaction. */
export function writeFamilies(
  sqlite: Database.Database,
  plans: FamilyPlan[],
  createdAt: string,
): Map<string, number> {
  const ids = new Map<string, number>();
  const insertFamily = sqlite.prepare(
    'INSERT INTO family (code, family_name, created_at) VALUES (?, ?, ?)',
  );
  const renameFamily = sqlite.prepare('UPDATE family SET family_name = ? WHERE id = ?');
  const insertResponsable = sqlite.prepare(
    `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1,
       address_line2, postal_code, city, email, phone_mobile, phone_home, phone_work)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateResponsable = sqlite.prepare(
    `UPDATE responsable SET civility = ?, last_name = ?, first_name = ?, address_line1 = ?,
       address_line2 = ?, postal_code = ?, city = ?, email = ?, phone_mobile = ?, phone_home = ?,
       phone_work = ? WHERE family_id = ? AND rank = ?`,
  );
  const values = (r: ResponsableDraft) => RESPONSABLE_FIELDS.map(([k]) => r[k]);
  for (const plan of plans) {
    if (plan.action === 'unchanged') {
      ids.set(plan.draft.code, plan.familyId);
      continue;
    }
    if (plan.action === 'create') {
      const id = Number(
        insertFamily.run(plan.draft.code, plan.draft.familyName, createdAt).lastInsertRowid,
      );
      for (const r of plan.draft.responsables) insertResponsable.run(id, r.rank, ...values(r));
      ids.set(plan.draft.code, id);
      continue;
    }
    if (plan.changes.some((c) => c.field === 'familyName')) {
      renameFamily.run(plan.draft.familyName, plan.familyId);
    }
    for (const r of plan.draft.responsables) {
      const changed = updateResponsable.run(...values(r), plan.familyId, r.rank);
      if (changed.changes === 0) insertResponsable.run(plan.familyId, r.rank, ...values(r));
    }
    ids.set(plan.draft.code, plan.familyId);
  }
  return ids;
}
