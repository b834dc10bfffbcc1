// Creating a régie on a poste without a portal (a commune that imports its invoices from CSV
// files). On a poste enrolled to a portal the régies come from the portal by sync, matched by
// their code: a régie created here would be one the portal does not know, so creation is
// refused there. The régie is written, its command recorded and its creation journaled (kind
// "configuration", like every later change of its configuration) in one IMMEDIATE transaction;
// a refused request writes nothing. Nothing else is needed before it takes payments: the family
// accounts of a régie are created with its first invoice (CSV import or sync), and receipt and
// slip numbers are drawn from the payments and slips themselves.
import type Database from 'better-sqlite3';
import type { RegieConfig, RegieCreate, RegieCreated } from '../../shared/contract';
import { paymentModes, type PaymentMode } from '../../shared/payment-modes';
import { foldText } from '../../shared/text';
import { requireSession, type HandlerContext } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { posteCodeOf } from './machine-settings';
import { enrolledPortalUrl } from './portal-enrolment';
import type { AdminRuntime } from './runtime';
import { readRegie, readRegies, settingsView } from './settings-update';

const HANDLER = 'regies.create';

function refuseWhenEnrolled(sqlite: Database.Database): void {
  const portalUrl = enrolledPortalUrl(sqlite);
  if (portalUrl) {
    throw new DomainError(
      'REGLE_METIER',
      `Ce poste est relié au portail (${portalUrl}) : ses régies viennent du portail par la synchronisation. Aucune régie n’a été créée. Demandez à l’administrateur du portail de créer la régie ; elle arrivera sur ce poste à la prochaine synchronisation.`,
      'POSTE_RELIE_AU_PORTAIL',
    );
  }
}

/** A second régie with the same code or the same name would be ambiguous on every document. */
function refuseDuplicates(sqlite: Database.Database, code: string, name: string): void {
  const existing = readRegies(sqlite);
  const sameCode = existing.find((r) => r.code === code);
  if (sameCode) {
    throw new DomainError(
      'CONFLIT',
      `Le code ${code} est déjà celui de la régie « ${sameCode.name} ». Aucune régie n’a été créée : choisissez un autre code (codes déjà pris : ${existing.map((r) => r.code).join(', ')}).`,
      'REGIE_CODE_PRIS',
    );
  }
  const folded = foldText(name);
  const sameName = existing.find((r) => foldText(r.name) === folded);
  if (sameName) {
    throw new DomainError(
      'CONFLIT',
      `Une régie s’appelle déjà « ${sameName.name} » (code ${sameName.code}). Aucune régie n’a été créée : donnez un autre nom, ou modifiez la régie existante.`,
      'REGIE_NOM_PRIS',
    );
  }
}

function communeIdOf(sqlite: Database.Database): number {
  const row = sqlite.prepare('SELECT min(id) AS id FROM commune').get() as { id: number | null };
  if (row.id === null) {
    throw new DomainError(
      'REGLE_METIER',
      'Aucune commune n’est enregistrée sur ce poste : la régie ne peut pas lui être rattachée. Aucune régie n’a été créée ; adressez-vous au support.',
      'COMMUNE_ABSENTE',
    );
  }
  return row.id;
}

export function createRegie(
  ctx: HandlerContext,
  rt: AdminRuntime,
  args: RegieCreate,
): RegieCreated {
  const session = requireSession(ctx);
  const sqlite = ctx.sqlite;
  const { commandId, ...request } = args;
  const hash = requestHash(request);
  const at = ctx.now().toISOString();
  // Kept in the order of the list of modes, like regies.update stores them.
  const modes: PaymentMode[] = paymentModes.filter((m) => args.acceptedModes.includes(m));
  const dftAccount = args.dftAccount === '' ? null : args.dftAccount;

  const run = sqlite.transaction((): number => {
    if (alreadyExecuted(sqlite, commandId, HANDLER, hash)) {
      // The same request again (a double click, a retry): the régie it created, unchanged.
      const row = sqlite.prepare('SELECT id FROM regie WHERE code = ?').get(args.code) as
        { id: number } | undefined;
      if (row) return row.id;
      throw new Error(`Commande ${commandId} enregistrée sans sa régie ${args.code}`);
    }
    refuseWhenEnrolled(sqlite);
    refuseDuplicates(sqlite, args.code, args.name);
    const communeId = communeIdOf(sqlite);
    const regieId = Number(
      sqlite
        .prepare(
          `INSERT INTO regie (commune_id, code, name, numcli, payfip_saisie, accepted_modes,
             cash_ceiling_cents, float_cents, creditor_label, allow_credit, allow_direct_debit_payment,
             dft_account, service_name, service_address, service_phone, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          communeId,
          args.code,
          args.name,
          args.numcli,
          args.payfipSaisie,
          JSON.stringify(modes),
          args.cashCeilingCents,
          args.floatCents,
          args.creditorLabel,
          args.allowCredit ? 1 : 0,
          args.allowDirectDebitPayment ? 1 : 0,
          dftAccount,
          args.serviceName,
          args.serviceAddress,
          args.servicePhone,
          at,
        ).lastInsertRowid,
    );
    insertCommand(sqlite, { commandId, handler: HANDLER, hash, agentId: session.agentId, at });
    const created: RegieConfig | null = readRegie(sqlite, regieId);
    appendJournal(sqlite, 'operations', {
      kind: 'configuration',
      instant: at,
      agentId: session.agentId,
      regieId,
      posteCode: posteCodeOf(sqlite),
      payload: {
        scope: 'regie',
        action: 'creation',
        regieCode: args.code,
        commandId,
        regie: created,
        // The agreements are not stored: the régisseur's confirmation is kept here.
        agreements: {
          cesu: modes.includes('cesu') ? args.cesuAgreement : null,
          chequeVacances: modes.includes('cheque_vacances') ? args.chequeVacancesAgreement : null,
        },
      },
    });
    return regieId;
  });
  // IMMEDIATE: the write lock is taken before the duplicates are looked for.
  const regieId = run.immediate();
  return { regieId, view: settingsView(sqlite, rt) };
}
