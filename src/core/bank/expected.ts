// What the register expects to see credited on the régie's accounts: online payments (PayFiP
// transactions, as mirrored from the portal), validated deposit slips and cash deposits. Each
// comes with the day it left the register's hands, its amount and the references a bank label
// may carry, so that matching never has to know where it came from.
import type Database from 'better-sqlite3';
import type { BankTargetKind, BankTargetView } from '../../shared/contract';
import { parisDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';

export interface TargetRef {
  kind: BankTargetKind;
  key: string;
}

/** One online payment share, one slip or one cash deposit. */
export interface ExpectedTarget extends TargetRef {
  label: string;
  date: string;
  amountCents: number;
  regieId: number | null;
  regieCode: string | null;
}

/**
 * A unit of money expected as one credit: a PayFiP transaction (all the shares of one idOp),
 * a slip, a cash deposit, or (built by the matcher) a day's PayFiP transactions together.
 */
export interface Expectation {
  id: string;
  source: 'payfip' | 'payfip_jour' | 'bordereau' | 'depot_especes';
  targets: ExpectedTarget[];
  amountCents: number;
  date: string;
  regieId: number | null;
  /** Upper-case references, any of which found in a line's text makes the match certain. */
  refs: string[];
  description: string;
}

export const targetKey = (t: TargetRef) => `${t.kind}|${t.key}`;

export function targetView(t: ExpectedTarget): BankTargetView {
  return {
    kind: t.kind,
    key: t.key,
    label: t.label,
    date: t.date,
    amountCents: t.amountCents,
    regieCode: t.regieCode,
  };
}

interface MirrorPayment {
  ref?: unknown;
  invoiceNumber?: unknown;
  regieCode?: unknown;
  amountCents?: unknown;
  status?: unknown;
  idop?: unknown;
  numauto?: unknown;
  refdet?: unknown;
  paidAt?: unknown;
  finishedAt?: unknown;
  startedAt?: unknown;
}

const s = (v: unknown) => (typeof v === 'string' ? v : null);

/** Every paid online payment of the mirror, as the portal last published it. */
export function mirroredOnlinePayments(sqlite: Database.Database) {
  const rows = sqlite
    .prepare(
      `SELECT key, data FROM sync_mirror WHERE entity = 'online_payment' AND data IS NOT NULL`,
    )
    .all() as { key: string; data: string }[];
  return rows.map((r) => {
    const d = JSON.parse(r.data) as MirrorPayment;
    const instant = s(d.paidAt) ?? s(d.finishedAt) ?? s(d.startedAt);
    return {
      ref: s(d.ref) ?? r.key,
      invoiceNumber: s(d.invoiceNumber) ?? '',
      regieCode: s(d.regieCode) ?? '',
      amountCents: typeof d.amountCents === 'number' ? d.amountCents : Number(d.amountCents ?? 0),
      status: s(d.status) ?? '',
      idop: s(d.idop),
      numauto: s(d.numauto),
      refdet: s(d.refdet),
      paidAt: s(d.paidAt),
      day: instant ? parisDate(new Date(instant)) : null,
      data: d as Record<string, unknown>,
    };
  });
}

/** Live matches: (kind|key) of every target a match confirms and no unmatch has undone. */
export function liveMatchedTargets(sqlite: Database.Database): Set<string> {
  const rows = sqlite
    .prepare(
      `SELECT m.target_kind AS kind, m.target_key AS key FROM bank_match m
       WHERE NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.group_key = m.group_key)`,
    )
    .all() as { kind: BankTargetKind; key: string }[];
  return new Set(rows.map(targetKey));
}

/** Every expectation, matched or not; the caller filters with liveMatchedTargets. */
export function loadExpectations(sqlite: Database.Database): Expectation[] {
  const regies = new Map(
    (sqlite.prepare('SELECT id, code FROM regie').all() as { id: number; code: string }[]).map(
      (r) => [r.code, r.id],
    ),
  );
  const out: Expectation[] = [];

  // One PayFiP transaction (idOp) may pay several invoices: the bank sees its total once.
  const byTransaction = new Map<string, ReturnType<typeof mirroredOnlinePayments>>();
  for (const p of mirroredOnlinePayments(sqlite)) {
    if (p.status !== 'paye' || p.day === null || !(p.amountCents > 0)) continue;
    const k = p.idop ?? p.ref;
    const list = byTransaction.get(k) ?? [];
    list.push(p);
    byTransaction.set(k, list);
  }
  for (const [idop, shares] of byTransaction) {
    shares.sort((a, b) => a.ref.localeCompare(b.ref));
    const first = shares[0]!;
    const regieId = regies.get(first.regieCode) ?? null;
    const targets: ExpectedTarget[] = shares.map((p) => ({
      kind: 'paiement_en_ligne',
      key: p.ref,
      label: `PayFiP ${p.refdet ?? p.invoiceNumber}${p.numauto ? ` (autorisation ${p.numauto})` : ''}`,
      date: p.day!,
      amountCents: p.amountCents,
      regieId,
      regieCode: p.regieCode || null,
    }));
    const amount = shares.reduce((sum, p) => sum + p.amountCents, 0);
    const refs = [
      ...new Set(
        shares
          .flatMap((p) => [p.refdet, p.numauto, p.idop, p.invoiceNumber])
          .filter((r): r is string => !!r && r.length >= 6),
      ),
    ].map((r) => r.toUpperCase());
    out.push({
      id: `payfip:${idop}`,
      source: 'payfip',
      targets,
      amountCents: amount,
      date: first.day!,
      regieId,
      refs,
      description: `Paiement en ligne ${first.refdet ?? first.invoiceNumber} du ${first.day} (${formatEuro(amount)})`,
    });
  }

  const slips = sqlite
    .prepare(
      `SELECT s.id, s.number, s.total_cents, s.validated_at, s.regie_id, r.code AS regie_code
       FROM deposit_slip s JOIN regie r ON r.id = s.regie_id WHERE s.status = 'validated'`,
    )
    .all() as {
    id: number;
    number: string;
    total_cents: number;
    validated_at: string;
    regie_id: number;
    regie_code: string;
  }[];
  for (const sl of slips) {
    const date = parisDate(new Date(sl.validated_at));
    out.push({
      id: `bordereau:${sl.id}`,
      source: 'bordereau',
      targets: [
        {
          kind: 'bordereau',
          key: String(sl.id),
          label: `Bordereau ${sl.number}`,
          date,
          amountCents: sl.total_cents,
          regieId: sl.regie_id,
          regieCode: sl.regie_code,
        },
      ],
      amountCents: sl.total_cents,
      date,
      regieId: sl.regie_id,
      refs: [sl.number.toUpperCase(), sl.number.replace(/-/g, '').toUpperCase()],
      description: `Bordereau ${sl.number} validé le ${date} (${formatEuro(sl.total_cents)})`,
    });
  }

  const cash = sqlite
    .prepare(
      `SELECT c.id, c.number, c.total_cents, c.deposited_at, c.regie_id, c.notes_bag, c.coins_bag,
              r.code AS regie_code
       FROM cash_deposit c JOIN regie r ON r.id = c.regie_id`,
    )
    .all() as {
    id: number;
    number: string;
    total_cents: number;
    deposited_at: string;
    regie_id: number;
    notes_bag: string | null;
    coins_bag: string | null;
    regie_code: string;
  }[];
  for (const c of cash) {
    const date = parisDate(new Date(c.deposited_at));
    out.push({
      id: `depot_especes:${c.id}`,
      source: 'depot_especes',
      targets: [
        {
          kind: 'depot_especes',
          key: String(c.id),
          label: `Dépôt d’espèces ${c.number}`,
          date,
          amountCents: c.total_cents,
          regieId: c.regie_id,
          regieCode: c.regie_code,
        },
      ],
      amountCents: c.total_cents,
      date,
      regieId: c.regie_id,
      refs: [c.number, c.number.replace(/-/g, ''), c.notes_bag, c.coins_bag]
        .filter((r): r is string => !!r && r.length >= 6)
        .map((r) => r.toUpperCase()),
      description: `Dépôt d’espèces ${c.number} du ${date} (${formatEuro(c.total_cents)})`,
    });
  }
  return out;
}
