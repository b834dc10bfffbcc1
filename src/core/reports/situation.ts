// The "situation de caisse" an auditor asks for without notice: for each régie and mode, what
// the books say was collected since the beginning, what has been handed to the comptable, and
// therefore what the régisseur must be able to show now; the float and the counting
// differences apart, the open tills, and remarks in French.
//
// Each line reconciles as  book + adjustments = deposited + toHold:
// - cash: book = cash payments - cash cancellations; deposited = versements (the sealed-bag
//   deposits at La Banque Postale are versements too); adjustments = apports (+) and retraits
//   (-); toHold is the encaisse the home screen shows against the ceiling (till/cash.ts).
// - cheques, CESU, chèques-vacances: deposited = the items of validated slips; adjustments =
//   items whose payment was cancelled after the slip was validated (the comptable holds a cheque
//   the books no longer count); toHold = payments not cancelled and on no validated slip, of
//   which some may sit on a draft slip.
// - card, transfer, PayFiP: the money is credited to the régie's account directly, so
//   deposited = book and nothing is held.
import type Database from 'better-sqlite3';
import { formatInstant } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { paymentModeLabels, paymentModes, type PaymentMode } from '../../shared/payment-modes';
import type { CashSituation, SituationChannel, SituationLine } from '../../shared/contract/reports';
import { slipKindLabels, slipKinds } from '../../shared/contract/deposits';
import { prepared } from '../db/prepared';
import { lastGrandTotals } from '../payments/ledger';
import { cashHeld, cashPositions } from '../till/cash';
import { sessionFigures } from '../till/figures';
import { isOvernight, openSessionRow, type SessionRow } from '../till/session';
import { regieLabels } from './totals';

const slipModes: readonly PaymentMode[] = ['cheque', 'cesu', 'cheque_vacances'];
const MONTH_MS = 30 * 24 * 3600 * 1000;

function channelOf(mode: PaymentMode): SituationChannel {
  if (mode === 'especes') return 'caisse';
  return slipModes.includes(mode) ? 'bordereau' : 'direct';
}

interface Keyed {
  regie_id: number;
  mode: PaymentMode;
}

/** Rows keyed by régie and mode, for lookups while the lines are built. */
function byKey<T extends Keyed>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [`${r.regie_id}/${r.mode}`, r]));
}

export function cashSituation(
  sqlite: Database.Database,
  opts: { regieId: number | null; now: Date; posteCode: string },
): CashSituation {
  const regieId = opts.regieId;
  const params = { regieId };
  const book = byKey(
    prepared(
      sqlite,
      `SELECT p.regie_id, p.mode, SUM(p.amount_cents) - SUM(CASE WHEN c.id IS NULL THEN 0 ELSE p.amount_cents END) AS net
         FROM payment p LEFT JOIN cancellation c ON c.payment_id = p.id
        WHERE @regieId IS NULL OR p.regie_id = @regieId
        GROUP BY p.regie_id, p.mode`,
    ).all(params) as (Keyed & { net: number })[],
  );
  const slips = byKey(
    prepared(
      sqlite,
      `SELECT p.regie_id, p.mode,
              SUM(CASE WHEN d.id IS NOT NULL THEN d.amount_cents ELSE 0 END) AS deposited,
              SUM(CASE WHEN d.id IS NOT NULL AND c.id IS NOT NULL THEN d.amount_cents ELSE 0 END) AS deposited_cancelled,
              SUM(CASE WHEN d.id IS NULL AND c.id IS NULL THEN p.amount_cents ELSE 0 END) AS held,
              SUM(CASE WHEN d.id IS NULL AND c.id IS NULL THEN 1 ELSE 0 END) AS held_count,
              SUM(CASE WHEN d.id IS NULL AND c.id IS NULL AND p.recorded_at < @monthAgo THEN 1 ELSE 0 END) AS held_old
         FROM payment p
         LEFT JOIN cancellation c ON c.payment_id = p.id
         LEFT JOIN (SELECT i.id, i.payment_id, i.amount_cents FROM deposit_slip_item i
                      JOIN deposit_slip s ON s.id = i.slip_id AND s.status = 'validated') d ON d.payment_id = p.id
        WHERE p.mode IN ('cheque', 'cesu', 'cheque_vacances') AND (@regieId IS NULL OR p.regie_id = @regieId)
        GROUP BY p.regie_id, p.mode`,
    ).all({
      ...params,
      monthAgo: new Date(opts.now.getTime() - MONTH_MS).toISOString(),
    }) as (Keyed & {
      deposited: number;
      deposited_cancelled: number;
      held: number;
      held_count: number;
      held_old: number;
    })[],
  );
  const drafts = byKey(
    prepared(
      sqlite,
      `SELECT s.regie_id, s.kind AS mode, count(p.id) AS n, COALESCE(SUM(p.amount_cents), 0) AS total
         FROM deposit_slip s, json_each(s.selection) e
         JOIN payment p ON p.id = e.value AND p.mode = s.kind AND p.regie_id = s.regie_id
        WHERE s.status = 'draft' AND (@regieId IS NULL OR s.regie_id = @regieId)
          AND NOT EXISTS (SELECT 1 FROM cancellation c WHERE c.payment_id = p.id)
          AND NOT EXISTS (SELECT 1 FROM deposit_slip_item i WHERE i.payment_id = p.id)
        GROUP BY s.regie_id, s.kind`,
    ).all(params) as (Keyed & { n: number; total: number })[],
  );
  const movements = prepared(
    sqlite,
    `SELECT regie_id, kind, SUM(amount_cents) AS total FROM till_movement
      WHERE @regieId IS NULL OR regie_id = @regieId GROUP BY regie_id, kind`,
  ).all(params) as { regie_id: number; kind: 'apport' | 'retrait' | 'versement'; total: number }[];
  const cashDeposits = new Map(
    (
      prepared(
        sqlite,
        `SELECT regie_id, SUM(total_cents) AS total FROM cash_deposit
          WHERE @regieId IS NULL OR regie_id = @regieId GROUP BY regie_id`,
      ).all(params) as { regie_id: number; total: number }[]
    ).map((r) => [r.regie_id, r.total]),
  );

  const allRegies = regieLabels(sqlite);
  const regies = allRegies.filter((r) => regieId === null || r.id === regieId);
  const lines: SituationLine[] = [];
  const remarks: string[] = [];
  for (const r of regies) {
    for (const mode of paymentModes) {
      const key = `${r.id}/${mode}`;
      const bookCents = book.get(key)?.net ?? 0;
      const channel = channelOf(mode);
      const base = {
        regieId: r.id,
        regieCode: r.code,
        regieName: r.name,
        mode,
        label: paymentModeLabels[mode],
        channel,
        bookCents,
      };
      if (channel === 'caisse') {
        const moved = movements.filter((m) => m.regie_id === r.id);
        if (!book.has(key) && moved.length === 0) continue;
        const sum = (pick: (k: string) => boolean) =>
          moved.filter((m) => pick(m.kind)).reduce((s, m) => s + m.total, 0);
        lines.push({
          ...base,
          depositedCents: -sum((k) => k === 'versement'),
          adjustmentsCents: sum((k) => k !== 'versement'),
          toHoldCents: cashHeld(sqlite, r.id, null),
          onDraftSlipCents: 0,
          toHoldCount: null,
          onDraftSlipCount: null,
          cashDepositsCents: cashDeposits.get(r.id) ?? 0,
        });
      } else if (channel === 'bordereau') {
        const s = slips.get(key);
        const draft = drafts.get(key);
        if (!s && !draft) continue;
        lines.push({
          ...base,
          depositedCents: s?.deposited ?? 0,
          adjustmentsCents: s?.deposited_cancelled ?? 0,
          toHoldCents: s?.held ?? 0,
          onDraftSlipCents: draft?.total ?? 0,
          toHoldCount: s?.held_count ?? 0,
          onDraftSlipCount: draft?.n ?? 0,
          cashDepositsCents: null,
        });
        const kind = slipKinds.find((k) => k === mode);
        const items = (n: number) => `${n} ${mode === 'cheque' ? 'chèque(s)' : 'paiement(s)'}`;
        if (kind && draft && draft.n > 0) {
          remarks.push(
            `${slipKindLabels[kind]} de ${r.code} en préparation, non validé : ${items(draft.n)} pour ${formatEuro(draft.total)}, toujours à détenir par la régie.`,
          );
        }
        if (s && s.deposited_cancelled > 0) {
          remarks.push(
            `${r.code} – ${paymentModeLabels[mode]} : ${formatEuro(s.deposited_cancelled)} remis au comptable puis annulés ; à régulariser avec lui (le bordereau validé en porte l’ajustement).`,
          );
        }
        if (s && s.held_old > 0) {
          remarks.push(
            `${r.code} – ${paymentModeLabels[mode]} : ${items(s.held_old)} encaissé(s) il y a plus d’un mois et pas encore remis au comptable ; les fonds doivent lui être versés au moins une fois par mois.`,
          );
        }
      } else {
        if (!book.has(key)) continue;
        lines.push({
          ...base,
          depositedCents: bookCents,
          adjustmentsCents: 0,
          toHoldCents: 0,
          onDraftSlipCents: 0,
          toHoldCount: null,
          onDraftSlipCount: null,
          cashDepositsCents: null,
        });
      }
    }
    // The perpetual grand total carried by the chained journal must be the same net amount.
    const ledgerNet = lines.filter((l) => l.regieId === r.id).reduce((s, l) => s + l.bookCents, 0);
    const journalNet = lastGrandTotals(sqlite, r.id).netCents;
    if (ledgerNet !== journalNet) {
      remarks.push(
        `${r.code} : le solde comptable (${formatEuro(ledgerNet)}) ne concorde pas avec le grand total perpétuel du journal (${formatEuro(journalNet)}). Lancez la vérification d’intégrité du journal.`,
      );
    }
  }

  const floatCents = currentFloat(sqlite);
  const differences = (
    prepared(
      sqlite,
      'SELECT mode, count(*) AS n, SUM(difference_cents) AS total FROM till_difference GROUP BY mode',
    ).all() as { mode: PaymentMode; n: number; total: number }[]
  )
    .sort((a, b) => paymentModes.indexOf(a.mode) - paymentModes.indexOf(b.mode))
    .map((d) => ({
      mode: d.mode,
      label: paymentModeLabels[d.mode],
      count: d.n,
      totalCents: d.total,
    }));

  const open = prepared(
    sqlite,
    "SELECT * FROM till_session WHERE status = 'open' ORDER BY poste_code",
  ).all() as SessionRow[];
  const openSessions = open.map((s) => {
    const cash = sessionFigures(sqlite, s.id).modes.find((m) => m.mode === 'especes');
    const overnight = isOvernight(s, opts.now);
    const openedBy = (
      prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(s.opened_by) as {
        display_name: string;
      }
    ).display_name;
    remarks.push(
      overnight
        ? `La caisse du poste ${s.poste_code} est ouverte depuis le ${formatInstant(s.opened_at)}, un jour précédent : elle n’a pas été clôturée.`
        : `La caisse du poste ${s.poste_code} est ouverte depuis le ${formatInstant(s.opened_at)} (${openedBy}) : ${formatEuro(cash?.expectedCents ?? 0)} d’espèces attendues dans le tiroir, fonds de caisse compris.`,
    );
    return {
      sessionId: s.id,
      posteCode: s.poste_code,
      openedAt: s.opened_at,
      openedBy,
      expectedCashCents: cash?.expectedCents ?? 0,
      overnight,
    };
  });

  // The ceiling and monthly-versement warnings of the home screen, for the régies shown.
  const session = openSessionRow(sqlite, opts.posteCode);
  for (const p of cashPositions(sqlite, opts.posteCode, session?.id ?? null, opts.now)) {
    if (regieId === null || p.regieId === regieId) remarks.push(...p.messages);
  }
  if (regieId !== null) {
    remarks.push(
      'Le fonds de caisse et les écarts de comptage concernent la caisse entière, toutes régies confondues.',
    );
  }

  if (remarks.length === 0) remarks.push('Aucune anomalie relevée.');
  const cashToHold = lines
    .filter((l) => l.channel === 'caisse')
    .reduce((s, l) => s + l.toHoldCents, 0);
  return {
    at: opts.now.toISOString(),
    regieId,
    lines,
    floatCents,
    differencesCents: differences.find((d) => d.mode === 'especes')?.totalCents ?? 0,
    differences,
    cashToPresentCents: cashToHold + floatCents,
    openSessions,
    remarks,
    regies: allRegies,
  };
}

/**
 * The float in the drawers now: for each poste, counted at the opening of its open session, or
 * left in the drawer at its last closing (a counting difference has already changed it).
 */
function currentFloat(sqlite: Database.Database): number {
  const rows = prepared(
    sqlite,
    `SELECT s.status, s.float_counted_cents, s.float_left_cents FROM till_session s
      WHERE s.id IN (SELECT MAX(id) FROM till_session GROUP BY poste_code)`,
  ).all() as {
    status: 'open' | 'closed';
    float_counted_cents: number;
    float_left_cents: number | null;
  }[];
  return rows.reduce(
    (s, r) => s + (r.status === 'open' ? r.float_counted_cents : (r.float_left_cents ?? 0)),
    0,
  );
}
