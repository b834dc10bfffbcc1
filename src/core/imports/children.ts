// enfants.csv: one line per child, attached to a family of the families file or of the register.
// A child is known by its family, first name, last name and birth date (the register's children
// have no other identity, as in the portal's pull); a known child may only change school. No
// child is ever deleted: invoice lines may name it.
import type Database from 'better-sqlite3';
import { formatDate } from '../../shared/dates';
import type { FieldChange } from './families';
import type { ColumnSpec, IssueList, Sheet } from './sheet';
import { parseDate, shown } from './values';

export type ChildColumn = 'familyCode' | 'firstName' | 'lastName' | 'birthDate' | 'school';

export const childColumns: readonly ColumnSpec<ChildColumn>[] = [
  { key: 'familyCode', name: 'code_famille', required: true, aliases: ['famille'] },
  { key: 'firstName', name: 'prenom', required: true, aliases: ['prenom enfant'] },
  { key: 'lastName', name: 'nom', required: true, aliases: ['nom enfant'] },
  {
    key: 'birthDate',
    name: 'date_naissance',
    required: true,
    aliases: ['naissance', 'date de naissance', 'ne le', 'nee le'],
  },
  { key: 'school', name: 'ecole', required: false, aliases: ['etablissement', 'structure'] },
];

export interface ChildDraft {
  line: number;
  familyCode: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  school: string | null;
}

export type ChildPlan =
  | { action: 'create'; draft: ChildDraft }
  | { action: 'update'; draft: ChildDraft; childId: number; changes: FieldChange[] }
  | { action: 'unchanged'; draft: ChildDraft; childId: number };

export function planChildren(
  sqlite: Database.Database,
  sheet: Sheet<ChildColumn>,
  familyCodesInFile: ReadonlySet<string>,
  today: string,
  issues: IssueList,
): ChildPlan[] {
  const familyId = sqlite.prepare('SELECT id FROM family WHERE code = ?');
  const findChild = sqlite.prepare(
    `SELECT c.id, c.school FROM child c JOIN family f ON f.id = c.family_id
      WHERE f.code = ? AND c.first_name = ? AND c.last_name = ? AND c.birth_date = ?`,
  );
  const seen = new Map<string, number>();
  const plans: ChildPlan[] = [];
  for (const row of sheet.rows) {
    const before = issues.count;
    const cell = (key: ChildColumn) => row.get(key);
    const problem = (key: ChildColumn, text: string) =>
      issues.add('enfants', row.line, row.header(key), text);
    const text = (key: ChildColumn, what: string): string => {
      const v = cell(key);
      if (v === '') problem(key, `${what} est obligatoire.`);
      else if (v.length > 100) problem(key, `${shown(v)} dépasse 100 caractères.`);
      return v;
    };
    const familyCode = cell('familyCode');
    if (familyCode === '') problem('familyCode', 'le code famille est obligatoire.');
    else if (!familyCodesInFile.has(familyCode) && !familyId.get(familyCode)) {
      problem(
        'familyCode',
        `la famille « ${familyCode} » n’existe ni dans le fichier des familles ni dans Guichet. Ajoutez-la au fichier des familles.`,
      );
    }
    const firstName = text('firstName', 'le prénom de l’enfant');
    const lastName = text('lastName', 'le nom de l’enfant');
    let birthDate = '';
    if (cell('birthDate') === '') problem('birthDate', 'la date de naissance est obligatoire.');
    else {
      const p = parseDate(cell('birthDate'));
      if (!p.ok) problem('birthDate', p.problem);
      else if (p.value > today) {
        problem(
          'birthDate',
          `la date de naissance (${formatDate(p.value)}) est après aujourd’hui (${formatDate(today)}).`,
        );
      } else birthDate = p.value;
    }
    const schoolCell = cell('school');
    if (schoolCell.length > 200) problem('school', `${shown(schoolCell)} dépasse 200 caractères.`);
    const school = schoolCell === '' ? null : schoolCell;
    if (issues.count > before) continue;

    const key = JSON.stringify([familyCode, firstName, lastName, birthDate]);
    const first = seen.get(key);
    if (first !== undefined) {
      problem(
        'firstName',
        `${firstName} ${lastName}, né(e) le ${formatDate(birthDate)}, figure déjà ligne ${first} pour la famille ${familyCode}.`,
      );
      continue;
    }
    seen.set(key, row.line);
    const draft: ChildDraft = {
      line: row.line,
      familyCode,
      firstName,
      lastName,
      birthDate,
      school,
    };
    const existing = findChild.get(familyCode, firstName, lastName, birthDate) as
      { id: number; school: string | null } | undefined;
    if (!existing) plans.push({ action: 'create', draft });
    else if (existing.school === school) {
      plans.push({ action: 'unchanged', draft, childId: existing.id });
    } else {
      plans.push({
        action: 'update',
        draft,
        childId: existing.id,
        changes: [{ field: 'school', old: existing.school, new: school }],
      });
    }
  }
  return plans;
}

/** Writes the children to create or update. Runs inside the import's transaction. */
export function writeChildren(
  sqlite: Database.Database,
  plans: ChildPlan[],
  familyIds: ReadonlyMap<string, number>,
): void {
  const familyId = sqlite.prepare('SELECT id FROM family WHERE code = ?');
  const insert = sqlite.prepare(
    'INSERT INTO child (family_id, first_name, last_name, birth_date, school) VALUES (?, ?, ?, ?, ?)',
  );
  const update = sqlite.prepare('UPDATE child SET school = ? WHERE id = ?');
  for (const plan of plans) {
    const d = plan.draft;
    if (plan.action === 'unchanged') continue;
    if (plan.action === 'update') {
      update.run(d.school, plan.childId);
      continue;
    }
    const fid =
      familyIds.get(d.familyCode) ?? (familyId.get(d.familyCode) as { id: number } | undefined)?.id;
    if (fid === undefined) throw new Error(`Famille ${d.familyCode} absente à l’écriture`);
    insert.run(fid, d.firstName, d.lastName, d.birthDate, d.school);
  }
}
