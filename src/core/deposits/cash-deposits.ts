// Cash deposits at La Banque Postale: notes and coins counted by denomination into two sealed
// bags, each with its number. The deposit is the versement that takes the cash out of the till:
// one transaction writes the very movement till.movement would write (so the cash ceiling is
// unblocked exactly the same way), the deposit with its gapless number per régie and year, and
// its journal entry.
import type Database from 'better-sqlite3';
import type { CashDepositView } from '../../shared/contract/deposits';
import { CASH_DEPOSIT_PREFIX } from '../../shared/contract/deposits';
import { denominations, type CashCount, type MovementSource } from '../../shared/contract/till';
import { formatEuro } from '../../shared/money';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { parisYear } from '../journal/paris-time';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';
import { cashHeld } from '../till/cash';
import { normalizedCounts } from '../till/counts';
import { drawerCashCents, requireOpenSession, writeMovement } from '../till/movements';
import { regieInfo } from './slips';

export const CASH_DEPOSIT_HANDLER = 'deposits.cashDeposit';

/** La Banque Postale discourages deposits under 50 €. */
export const SMALL_DEPOSIT_CENTS = 50_00;

const noteKeys = new Set<string>(denominations.filter((d) => d.cents >= 500).map((d) => d.key));

/** The count split into the notes' bag and the coins' bag, with their totals. */
export function splitCounts(counts: CashCount): {
  notes: Record<string, number>;
  coins: Record<string, number>;
  notesCents: number;
  coinsCents: number;
} {
  const notes: Record<string, number> = {};
  const coins: Record<string, number> = {};
  let notesCents = 0;
  let coinsCents = 0;
  for (const d of denominations) {
    const n = counts[d.key];
    if (noteKeys.has(d.key)) {
      notes[d.key] = n;
      notesCents += n * d.cents;
    } else {
      coins[d.key] = n;
      coinsCents += n * d.cents;
    }
  }
  return { notes, coins, notesCents, coinsCents };
}

interface CashDepositRow {
  id: number;
  command_id: string;
  regie_id: number;
  session_id: number;
  movement_id: number;
  year: number;
  seq: number;
  number: string;
  notes_counts: string;
  coins_counts: string;
  notes_cents: number;
  coins_cents: number;
  total_cents: number;
  notes_bag: string | null;
  coins_bag: string | null;
  deposited_at: string;
  agent_id: number;
  journal_seq: number;
}

function depositView(sqlite: Database.Database, row: CashDepositRow): CashDepositView {
  const regie = regieInfo(sqlite, row.regie_id);
  const agent = prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(
    row.agent_id,
  ) as { display_name: string } | undefined;
  return {
    depositId: row.id,
    number: row.number,
    regieId: regie.id,
    regieCode: regie.code,
    regieName: regie.name,
    depositedAt: row.deposited_at,
    agent: agent?.display_name ?? '',
    notesCounts: JSON.parse(row.notes_counts) as Record<string, number>,
    coinsCounts: JSON.parse(row.coins_counts) as Record<string, number>,
    notesCents: row.notes_cents,
    coinsCents: row.coins_cents,
    totalCents: row.total_cents,
    notesBag: row.notes_bag,
    coinsBag: row.coins_bag,
    dftAccount: regie.dft_account,
  };
}

export function getCashDeposit(sqlite: Database.Database, depositId: number): CashDepositView {
  const row = prepared(sqlite, 'SELECT * FROM cash_deposit WHERE id = ?').get(depositId) as
    CashDepositRow | undefined;
  if (!row) throw notFound('Dépôt d’espèces');
  return depositView(sqlite, row);
}

export function listCashDeposits(
  sqlite: Database.Database,
  filter: { regieId?: number; limit: number },
): CashDepositView[] {
  const rows = prepared(
    sqlite,
    `SELECT * FROM cash_deposit WHERE (@regie IS NULL OR regie_id = @regie)
      ORDER BY deposited_at DESC, id DESC LIMIT @limit`,
  ).all({ regie: filter.regieId ?? null, limit: filter.limit }) as CashDepositRow[];
  return rows.map((r) => depositView(sqlite, r));
}

export interface CashDepositInput {
  commandId: string;
  regieId: number;
  counts: CashCount;
  notesBag?: string;
  coinsBag?: string;
  /** Default 'tiroir'; 'coffre' when the cash comes from the takings kept in the safe. */
  source?: MovementSource;
  agentId: number;
  posteCode: string;
  now: Date;
}

export function formatCashDepositNumber(regieCode: string, year: number, seq: number): string {
  return `${CASH_DEPOSIT_PREFIX}-${regieCode}-${year}-${String(seq).padStart(4, '0')}`;
}

/** The checks a person can fail before anything is written, each in French. */
function checkBags(
  split: ReturnType<typeof splitCounts>,
  notesBag: string | undefined,
  coinsBag: string | undefined,
): void {
  const problems: string[] = [];
  if (split.notesCents > 0 && !notesBag) {
    problems.push(
      `des billets sont comptés (${formatEuro(split.notesCents)}) : indiquez le numéro du sac des billets`,
    );
  }
  if (split.notesCents === 0 && notesBag) {
    problems.push(
      `aucun billet n’est compté : retirez le numéro du sac des billets, ou comptez les billets`,
    );
  }
  if (split.coinsCents > 0 && !coinsBag) {
    problems.push(
      `des pièces sont comptées (${formatEuro(split.coinsCents)}) : indiquez le numéro du sac des pièces`,
    );
  }
  if (split.coinsCents === 0 && coinsBag) {
    problems.push(
      `aucune pièce n’est comptée : retirez le numéro du sac des pièces, ou comptez les pièces`,
    );
  }
  if (notesBag && coinsBag && notesBag.toUpperCase() === coinsBag.toUpperCase()) {
    problems.push(
      'billets et pièces vont dans deux sacs différents : les numéros doivent différer',
    );
  }
  if (problems.length) {
    throw new DomainError(
      'VALIDATION',
      `Dépôt incomplet : ${problems.join(' ; ')}. Rien n’a été enregistré.`,
      'SAC_DEPOT',
    );
  }
}

export function recordCashDeposit(
  sqlite: Database.Database,
  input: CashDepositInput,
): { deposit: CashDepositView; warnings: string[]; replayed: boolean } {
  const counts = normalizedCounts(input.counts);
  const hash = requestHash({
    regieId: input.regieId,
    counts,
    notesBag: input.notesBag ?? null,
    coinsBag: input.coinsBag ?? null,
    ...(input.source === 'coffre' ? { source: 'coffre' } : {}),
  });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, CASH_DEPOSIT_HANDLER, hash)) {
        const row = prepared(sqlite, 'SELECT * FROM cash_deposit WHERE command_id = ?').get(
          input.commandId,
        ) as CashDepositRow;
        const entry = prepared(sqlite, 'SELECT payload FROM journal_entry WHERE seq = ?').get(
          row.journal_seq,
        ) as { payload: string };
        const { warnings } = JSON.parse(entry.payload) as { warnings: string[] };
        return { deposit: depositView(sqlite, row), warnings, replayed: true };
      }
      const split = splitCounts(input.counts);
      const total = split.notesCents + split.coinsCents;
      if (total === 0) {
        throw new DomainError(
          'VALIDATION',
          'Aucun billet ni aucune pièce n’est compté : indiquez le nombre de chaque coupure déposée. Rien n’a été enregistré.',
          'DEPOT_VIDE',
        );
      }
      checkBags(split, input.notesBag, input.coinsBag);
      const session = requireOpenSession(sqlite, input.posteCode, input.now, false);
      const regie = regieInfo(sqlite, input.regieId);
      // A sealed bag is used once: a number already on a deposit is a typing slip or a reused bag.
      for (const bag of [input.notesBag, input.coinsBag]) {
        if (!bag) continue;
        const used = prepared(
          sqlite,
          `SELECT number FROM cash_deposit
            WHERE upper(notes_bag) = upper(@bag) OR upper(coins_bag) = upper(@bag) LIMIT 1`,
        ).get({ bag }) as { number: string } | undefined;
        if (used) {
          throw new DomainError(
            'VALIDATION',
            `Le sac n° ${bag} a déjà servi pour le dépôt ${used.number} : un sac scellé ne sert qu’une fois. Vérifiez le numéro imprimé sur le sac ; rien n’a été enregistré.`,
            'SAC_DEJA_UTILISE',
          );
        }
      }
      const held = cashHeld(sqlite, regie.id, input.posteCode);
      if (total > held) {
        throw ruleError(
          'DEPOT_SUPERIEUR_ENCAISSE',
          `Dépôt de ${formatEuro(total)} impossible : ce poste ne détient que ${formatEuro(held)} d’espèces pour la ${regie.name} (fonds de caisse exclu, qui reste en caisse). Recomptez les coupures ; rien n’a été enregistré.`,
          { heldCents: held, totalCents: total },
        );
      }
      const warnings: string[] = [];
      if (total < SMALL_DEPOSIT_CENTS) {
        warnings.push(
          `Dépôt de ${formatEuro(total)} : La Banque Postale déconseille les dépôts de moins de ${formatEuro(SMALL_DEPOSIT_CENTS)}. Il a été enregistré ; à l’avenir, regroupez les espèces avant de les déposer.`,
        );
      }
      const remaining = drawerCashCents(sqlite, session.id) - total;
      if (input.source !== 'coffre' && remaining < session.float_expected_cents) {
        warnings.push(
          `Après ce dépôt, la caisse ne doit plus contenir que ${formatEuro(Math.max(0, remaining))} en espèces, moins que le fonds de caisse de ${formatEuro(session.float_expected_cents)} : reconstituez le fonds avant la prochaine ouverture.`,
        );
      }
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: CASH_DEPOSIT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const year = parisYear(input.now);
      const seq = (
        prepared(
          sqlite,
          'SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM cash_deposit WHERE regie_id = ? AND year = ?',
        ).get(regie.id, year) as { seq: number }
      ).seq;
      const number = formatCashDepositNumber(regie.code, year, seq);
      const movement = writeMovement(sqlite, {
        commandId: input.commandId,
        sessionId: session.id,
        regie,
        kind: 'versement',
        amountCents: total,
        reason: `Dépôt d’espèces ${number} (La Banque Postale)`,
        agentId: input.agentId,
        posteCode: input.posteCode,
        at,
        source: input.source ?? 'tiroir',
      });
      const notesBag = split.notesCents > 0 ? (input.notesBag ?? null) : null;
      const coinsBag = split.coinsCents > 0 ? (input.coinsBag ?? null) : null;
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'depot_especes',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          number,
          year,
          seq,
          regieId: regie.id,
          regieCode: regie.code,
          sessionId: session.id,
          movementId: movement.movementId,
          dftAccount: regie.dft_account,
          notesCounts: split.notes,
          coinsCounts: split.coins,
          notesCents: split.notesCents,
          coinsCents: split.coinsCents,
          totalCents: total,
          notesBag,
          coinsBag,
          warnings,
        },
      });
      const id = Number(
        prepared(
          sqlite,
          `INSERT INTO cash_deposit (command_id, regie_id, session_id, movement_id, year, seq, number,
               notes_counts, coins_counts, notes_cents, coins_cents, total_cents, notes_bag, coins_bag,
               deposited_at, agent_id, journal_seq)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.commandId,
          regie.id,
          session.id,
          movement.movementId,
          year,
          seq,
          number,
          JSON.stringify(split.notes),
          JSON.stringify(split.coins),
          split.notesCents,
          split.coinsCents,
          total,
          notesBag,
          coinsBag,
          at,
          input.agentId,
          entry.seq,
        ).lastInsertRowid,
      );
      return { deposit: getCashDeposit(sqlite, id), warnings, replayed: false };
    })
    .immediate();
}
