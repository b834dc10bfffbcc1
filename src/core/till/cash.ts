// The cash held (encaisse), float excluded, from the ledger: cash payments, minus cash
// cancellations, plus movements (apports in, retraits and versements out). The float is not in
// the ledger at all: it is a permanent advance that never counts against the ceiling.
import type Database from 'better-sqlite3';
import { formatEuro } from '../../shared/money';
import type { CashPosition, CeilingLevel } from '../../shared/contract/till';
import { prepared } from '../db/prepared';
import { ceilingWarnPercent } from './config';

const MONTH_MS = 30 * 24 * 3600 * 1000;

export function cashHeld(
  sqlite: Database.Database,
  regieId: number,
  posteCode: string | null,
): number {
  const poste = posteCode === null ? '' : ' AND poste_code = ?';
  const args = posteCode === null ? [regieId] : [regieId, posteCode];
  const paid = prepared(
    sqlite,
    `SELECT COALESCE(SUM(amount_cents), 0) AS s FROM payment WHERE regie_id = ? AND mode = 'especes'${poste}`,
  ).get(...args) as { s: number };
  const cancelled = prepared(
    sqlite,
    `SELECT COALESCE(SUM(p.amount_cents), 0) AS s FROM cancellation c JOIN payment p ON p.id = c.payment_id
       WHERE p.regie_id = ? AND p.mode = 'especes'${posteCode === null ? '' : ' AND c.poste_code = ?'}`,
  ).get(...args) as { s: number };
  const moved = prepared(
    sqlite,
    `SELECT COALESCE(SUM(m.amount_cents), 0) AS s FROM till_movement m JOIN till_session s ON s.id = m.session_id
       WHERE m.regie_id = ?${posteCode === null ? '' : ' AND s.poste_code = ?'}`,
  ).get(...args) as { s: number };
  return paid.s - cancelled.s + moved.s;
}

export function overrideActive(
  sqlite: Database.Database,
  regieId: number,
  sessionId: number | null,
): boolean {
  if (sessionId === null) return false;
  return (
    prepared(
      sqlite,
      'SELECT 1 FROM till_ceiling_override WHERE session_id = ? AND regie_id = ? LIMIT 1',
    ).get(sessionId, regieId) !== undefined
  );
}

interface RegieRow {
  id: number;
  code: string;
  name: string;
  cash_ceiling_cents: number;
}

export function cashPositions(
  sqlite: Database.Database,
  posteCode: string,
  sessionId: number | null,
  now: Date,
): CashPosition[] {
  const regies = prepared(
    sqlite,
    `SELECT id, code, name, cash_ceiling_cents FROM regie
       WHERE EXISTS (SELECT 1 FROM json_each(regie.accepted_modes) WHERE value = 'especes') ORDER BY id`,
  ).all() as RegieRow[];
  const warnPercent = ceilingWarnPercent(sqlite);
  return regies.map((r): CashPosition => {
    const held = cashHeld(sqlite, r.id, null);
    const warnAt = Math.floor((r.cash_ceiling_cents * warnPercent) / 100);
    const level: CeilingLevel =
      held >= r.cash_ceiling_cents ? 'depasse' : held >= warnAt ? 'alerte' : 'normal';
    const override = overrideActive(sqlite, r.id, sessionId);
    const last = prepared(
      sqlite,
      "SELECT MAX(at) AS at FROM till_movement WHERE regie_id = ? AND kind = 'versement'",
    ).get(r.id) as { at: string | null };
    const reminder =
      held > 0 && (last.at === null || now.getTime() - Date.parse(last.at) > MONTH_MS);
    const messages: string[] = [];
    if (level === 'depasse') {
      messages.push(
        override
          ? `${r.name} : encaisse maximale atteinte (${formatEuro(held)} pour un plafond de ${formatEuro(r.cash_ceiling_cents)}). Dérogation du régisseur en cours pour cette session : faites un versement au comptable au plus tôt.`
          : `${r.name} : encaisse maximale atteinte (${formatEuro(held)} pour un plafond de ${formatEuro(r.cash_ceiling_cents)}). Les encaissements en espèces sont bloqués jusqu’au prochain versement au comptable.`,
      );
    } else if (level === 'alerte') {
      messages.push(
        `${r.name} : l’encaisse (${formatEuro(held)}) approche du plafond de ${formatEuro(r.cash_ceiling_cents)}. Prévoyez un versement au comptable.`,
      );
    }
    if (reminder) {
      messages.push(
        last.at === null
          ? `${r.name} : aucun versement au comptable n’a encore été enregistré. Les fonds doivent être versés au moins une fois par mois.`
          : `${r.name} : aucun versement au comptable depuis plus d’un mois. Les fonds doivent être versés au moins une fois par mois.`,
      );
    }
    return {
      regieId: r.id,
      regieCode: r.code,
      regieName: r.name,
      cashHeldCents: held,
      posteCashHeldCents: cashHeld(sqlite, r.id, posteCode),
      ceilingCents: r.cash_ceiling_cents,
      warnAtCents: warnAt,
      level,
      overrideActive: override,
      lastVersementAt: last.at,
      versementReminder: reminder,
      messages,
    };
  });
}
