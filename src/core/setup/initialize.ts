// The first start of a packaged installation (« mise en service »). The Electron shell opens a
// new database with nothing in it, so that a mairie never starts on the demo commune and its
// published passwords; the setup screen then sends what only the mairie knows: its identity,
// the code of this poste and the régisseur titulaire's account. Everything is written in one
// IMMEDIATE transaction, journaled, and only while the database holds no commune and no agent:
// once it does, this handler refuses and changes nothing, so it cannot be used to take over an
// installation in service.
import type Database from 'better-sqlite3';
import type { SetupDone, SetupInitialize, SetupStatus } from '../../shared/contract';
import { hashPassword } from '../auth/passwords';
import type { HandlerContext } from '../context';
import { ensurePoste } from '../demo/seed';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { getSetting } from '../settings';

/** True while nobody could log in and no commune exists: the only state setup may change. */
export function setupNeeded(sqlite: Database.Database): boolean {
  const row = sqlite
    .prepare(
      'SELECT EXISTS (SELECT 1 FROM commune) AS communes, EXISTS (SELECT 1 FROM agent) AS agents',
    )
    .get() as { communes: number; agents: number };
  return row.communes === 0 && row.agents === 0;
}

export function setupStatus(ctx: Pick<HandlerContext, 'sqlite'>): SetupStatus {
  return { needed: setupNeeded(ctx.sqlite) };
}

const alreadyDone = () =>
  new DomainError(
    'CONFLIT',
    'Guichet est déjà mis en service sur ce poste : rien n’a été modifié. Identifiez-vous avec votre compte ; si le mot de passe du régisseur est perdu, adressez-vous au support.',
    'DEJA_MIS_EN_SERVICE',
  );

/**
 * A database with no commune but a poste code already set (by hand, or by a future tool) keeps
 * its code: document numbers and the portal's enrolment rest on it, so another one typed here is
 * refused rather than silently ignored or replacing it.
 */
function refuseOtherPosteCode(sqlite: Database.Database, asked: string): void {
  const current = getSetting(sqlite, 'poste_code');
  if (current && current !== asked) {
    throw new DomainError(
      'REGLE_METIER',
      `Cette base porte déjà le code de poste ${current} : rien n’a été créé. Saisissez ${current} comme code du poste, ou adressez-vous au support.`,
      'POSTE_DIFFERENT',
    );
  }
}

export async function initializeSetup(
  ctx: HandlerContext,
  args: SetupInitialize,
): Promise<SetupDone> {
  const sqlite = ctx.sqlite;
  // Refused before the password is hashed: a second window gets its answer at once.
  if (!setupNeeded(sqlite)) throw alreadyDone();
  refuseOtherPosteCode(sqlite, args.posteCode);
  const passwordHash = await hashPassword(args.password);

  const at = ctx.now().toISOString();
  const run = sqlite.transaction((): void => {
    // Checked again under the write lock: two calls may both have passed the first check while
    // their passwords were hashed, and only the first to get here may write.
    if (!setupNeeded(sqlite)) throw alreadyDone();
    refuseOtherPosteCode(sqlite, args.posteCode);
    sqlite
      .prepare(
        `INSERT INTO commune (name, address_line, postal_code, city, demo, created_at)
         VALUES (?, ?, ?, ?, 0, ?)`,
      )
      .run(args.communeName, args.addressLine, args.postalCode, args.city, at);
    const agentId = Number(
      sqlite
        .prepare(
          `INSERT INTO agent (login, display_name, role, password_hash, created_at)
           VALUES (?, ?, 'regisseur', ?, ?)`,
        )
        .run(args.login, args.displayName, passwordHash, at).lastInsertRowid,
    );
    const posteCode = ensurePoste(sqlite, at, { code: args.posteCode, name: args.posteName });
    appendJournal(sqlite, 'operations', {
      kind: 'mise_en_service',
      instant: at,
      agentId,
      regieId: null,
      posteCode,
      payload: {
        communeName: args.communeName,
        addressLine: args.addressLine,
        postalCode: args.postalCode,
        city: args.city,
        posteCode,
        posteName: args.posteName,
        login: args.login,
        displayName: args.displayName,
      },
    });
  });
  // IMMEDIATE: the write lock is taken before the emptiness is checked again.
  run.immediate();
  ctx.log.info(
    { event: 'setup.initialize', login: args.login, posteCode: args.posteCode },
    'mise en service : commune, régisseur et poste créés',
  );
  return { login: args.login, communeName: args.communeName, posteCode: args.posteCode };
}
