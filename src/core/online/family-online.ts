// A family's online payments as this poste last pulled them: the portal publishes one
// online_payment entity per invoice of a PayFiP attempt, and one online_lock per invoice
// ("paiement en cours"), both kept as published in sync_mirror. Nothing here is the
// register's own data: it is read, never written, and a page shows it as the portal said it.
import type Database from 'better-sqlite3';
import type { FamilyOnlinePayments, OnlineAttemptView } from '../../shared/contract';
import { onlinePaymentStatuses, type OnlinePaymentStatus } from '../../shared/sync/online-recheck';
import { DomainError } from '../errors';

type Data = Record<string, unknown>;
const str = (d: Data, k: string): string | null => {
  const v = d[k];
  return typeof v === 'string' && v !== '' ? v : null;
};
const cents = (d: Data, k: string): number => {
  const v = Number(d[k] ?? 0);
  return Number.isSafeInteger(v) ? v : 0;
};
const statusOf = (v: unknown): OnlinePaymentStatus | null =>
  onlinePaymentStatuses.find((s) => s === v) ?? null;

/** One mirrored online_payment, or null when its data is not what the protocol describes. */
export function attemptView(
  key: string,
  d: Data,
  invoiceIds: ReadonlyMap<string, number>,
  lockExpiresAt: string | null,
): OnlineAttemptView | null {
  const status = statusOf(d.status);
  const invoiceNumber = str(d, 'invoiceNumber');
  const startedAt = str(d, 'startedAt');
  if (!status || !invoiceNumber || !startedAt) return null;
  const amountCents = cents(d, 'amountCents');
  return {
    ref: str(d, 'ref') ?? key,
    invoiceNumber,
    invoiceId: invoiceIds.get(invoiceNumber) ?? null,
    regieCode: str(d, 'regieCode') ?? '',
    amountCents,
    attemptAmountCents: cents(d, 'attemptAmountCents') || amountCents,
    status,
    resultrans: str(d, 'resultrans'),
    idop: str(d, 'idop'),
    numauto: str(d, 'numauto'),
    refdet: str(d, 'refdet'),
    startedAt,
    finishedAt: str(d, 'finishedAt'),
    paidAt: str(d, 'paidAt'),
    lockExpiresAt,
  };
}

/** Live lock of an invoice (released_at null, not yet expired), from its online_lock entity. */
function liveLockExpiry(
  sqlite: Database.Database,
  invoiceNumber: string,
  ref: string,
  now: Date,
): string | null {
  const row = sqlite
    .prepare(`SELECT data FROM sync_mirror WHERE entity = 'online_lock' AND key = ?`)
    .get(invoiceNumber) as { data: string | null } | undefined;
  if (!row?.data) return null;
  const lock = (JSON.parse(row.data) as Data).lock as Data | null | undefined;
  if (!lock || typeof lock !== 'object') return null;
  const expiresAt = str(lock, 'expiresAt');
  if (str(lock, 'onlinePaymentRef') !== ref || str(lock, 'releasedAt') !== null || !expiresAt)
    return null;
  return Date.parse(expiresAt) > now.getTime() ? expiresAt : null;
}

export function familyOnlinePayments(
  sqlite: Database.Database,
  familyId: number,
  now: Date,
): FamilyOnlinePayments {
  const family = sqlite.prepare('SELECT code FROM family WHERE id = ?').get(familyId) as
    { code: string } | undefined;
  if (!family) {
    throw new DomainError(
      'INTROUVABLE',
      'Cette famille est introuvable : elle a peut-être été fusionnée ou supprimée. Relancez la recherche.',
    );
  }
  const invoiceIds = new Map(
    (
      sqlite.prepare('SELECT id, number FROM invoice WHERE family_id = ?').all(familyId) as {
        id: number;
        number: string;
      }[]
    ).map((i) => [i.number, i.id]),
  );
  const rows = sqlite
    .prepare(
      `SELECT key, data FROM sync_mirror
        WHERE entity = 'online_payment' AND data IS NOT NULL
          AND json_extract(data, '$.familyCode') = ?`,
    )
    .all(family.code) as { key: string; data: string }[];
  const pending: OnlineAttemptView[] = [];
  const paid: OnlineAttemptView[] = [];
  for (const r of rows) {
    const d = JSON.parse(r.data) as Data;
    const view = attemptView(r.key, d, invoiceIds, null);
    if (!view) continue;
    if (view.status === 'en_cours') {
      pending.push({
        ...view,
        lockExpiresAt: liveLockExpiry(sqlite, view.invoiceNumber, view.ref, now),
      });
    } else if (view.status === 'paye') {
      paid.push(view);
    }
  }
  pending.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.ref.localeCompare(b.ref));
  const paidOrder = (v: OnlineAttemptView) => v.paidAt ?? v.finishedAt ?? v.startedAt;
  paid.sort((a, b) => paidOrder(b).localeCompare(paidOrder(a)) || a.ref.localeCompare(b.ref));
  return { pending, paid };
}

/** The mirrored online payment with this ref, if this poste has pulled it. */
export function mirroredAttempt(
  sqlite: Database.Database,
  ref: string,
): { view: OnlineAttemptView; familyCode: string | null } | null {
  const row = sqlite
    .prepare(
      `SELECT key, data FROM sync_mirror WHERE entity = 'online_payment' AND key = ? AND data IS NOT NULL`,
    )
    .get(ref) as { key: string; data: string } | undefined;
  if (!row) return null;
  const d = JSON.parse(row.data) as Data;
  const view = attemptView(row.key, d, new Map(), null);
  return view ? { view, familyCode: str(d, 'familyCode') } : null;
}
