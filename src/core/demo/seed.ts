// What a new database starts with. 'demo' builds Ville de Démo (see generate.ts), 'empty' a
// commune to configure with a single régisseur account, 'none' nothing: a database that already
// holds a commune is never touched, whatever the kind asked.
import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { parisDate } from '../../shared/dates';
import { hashPassword } from '../auth/passwords';
import { getSetting, setSetting } from '../settings';
import { demoPostes } from '../../shared/demo/commune';
import { DEFAULT_DEMO_FAMILIES, DEFAULT_DEMO_SEED, generateDemo } from './generate';
import type { SeedKind } from '../../shared/demo/seed-kinds';

export interface SeedOptions {
  now: () => Date;
  log: Logger;
}

/** The initial régisseur of an empty commune. */
export const INITIAL_ADMIN_LOGIN = 'regisseur';

// Letters and digits that cannot be confused with one another when read from a log or a note.
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function generatedPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** The poste code of this installation: GUICHET_POSTE_CODE, else P01. */
function posteCodeFromEnv(): string {
  const code = process.env.GUICHET_POSTE_CODE?.trim().toUpperCase();
  return code && /^[A-Z0-9]{2,8}$/.test(code) ? code : 'P01';
}

/**
 * Gives the database its poste: the poste_code setting (kept when already set, else the one
 * asked for, else GUICHET_POSTE_CODE or P01) and its row in the poste table, named as asked
 * when the code is the one asked for, else as the demo names it. Returns the code in force. Also used by the first start's setup.
 */
export function ensurePoste(
  sqlite: Database.Database,
  createdAt: string,
  wanted?: { code: string; name: string },
): string {
  let code = getSetting(sqlite, 'poste_code');
  if (!code) {
    code = wanted?.code ?? posteCodeFromEnv();
    setSetting(sqlite, 'poste_code', code);
  }
  const known = demoPostes.find((p) => p.code === code);
  sqlite
    .prepare('INSERT OR IGNORE INTO poste (code, name, created_at) VALUES (?, ?, ?)')
    .run(
      code,
      (wanted?.code === code ? wanted.name : null) ?? known?.name ?? `Poste ${code}`,
      createdAt,
    );
  return code;
}

/**
 * Seeds a database that holds no commune yet. The demo's size can be raised with
 * GUICHET_DEMO_FAMILIES (e.g. to try the search on a large base). An empty commune's régisseur
 * gets the password in GUICHET_ADMIN_PASSWORD, or a generated one written once to the log at
 * warning level: it is shown nowhere else, so it must be noted and changed at first login.
 */
export async function seedDatabase(
  sqlite: Database.Database,
  kind: SeedKind,
  opts: SeedOptions,
): Promise<void> {
  if (kind === 'none') return;
  const now = opts.now();
  const createdAt = now.toISOString();
  const hasCommune =
    (sqlite.prepare('SELECT count(*) AS n FROM commune').get() as { n: number }).n > 0;

  if (!hasCommune && kind === 'demo') {
    const asked = Number(process.env.GUICHET_DEMO_FAMILIES);
    const families =
      Number.isInteger(asked) && asked > 0 && asked <= 999_999 ? asked : DEFAULT_DEMO_FAMILIES;
    const summary = await generateDemo(sqlite, {
      families,
      seed: DEFAULT_DEMO_SEED,
      today: parisDate(now),
    });
    opts.log.info({ event: 'seed.demo', ...summary }, 'commune de démonstration créée');
  } else if (!hasCommune && kind === 'empty') {
    const fromEnv = process.env.GUICHET_ADMIN_PASSWORD;
    const password = fromEnv && fromEnv.length >= 8 ? fromEnv : generatedPassword();
    const hash = await hashPassword(password);
    sqlite.transaction(() => {
      sqlite
        .prepare(
          `INSERT INTO commune (name, address_line, postal_code, city, demo, created_at)
           VALUES ('Commune à configurer', 'Adresse à renseigner', '00000', 'À renseigner', 0, ?)`,
        )
        .run(createdAt);
      sqlite
        .prepare(
          `INSERT INTO agent (login, display_name, role, password_hash, created_at)
           VALUES (?, 'Régisseur titulaire', 'regisseur', ?, ?)`,
        )
        .run(INITIAL_ADMIN_LOGIN, hash, createdAt);
    })();
    if (fromEnv && fromEnv.length >= 8) {
      opts.log.info(
        { event: 'seed.empty', login: INITIAL_ADMIN_LOGIN },
        'commune vide créée ; mot de passe initial pris dans GUICHET_ADMIN_PASSWORD',
      );
    } else {
      if (fromEnv) {
        opts.log.warn(
          { event: 'seed.empty' },
          'GUICHET_ADMIN_PASSWORD ignoré : 8 caractères au moins sont nécessaires',
        );
      }
      opts.log.warn(
        { event: 'seed.empty', login: INITIAL_ADMIN_LOGIN, initialPassword: password },
        'commune vide créée ; notez ce mot de passe initial du régisseur, il ne sera plus affiché',
      );
    }
  }
  ensurePoste(sqlite, createdAt);
}
