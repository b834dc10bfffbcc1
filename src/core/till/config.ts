// Till settings of this installation (one database per poste). Each has a default that suits
// a small régie; the régisseur changes them in the configuration.
import type Database from 'better-sqlite3';
import { getSetting } from '../settings';
import { prepared } from '../db/prepared';

function intSetting(sqlite: Database.Database, key: string, fallback: number): number {
  const raw = getSetting(sqlite, key);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

/** Differences at closing above this amount (per mode) need validation. Default 1,00 €. */
export function toleranceCents(sqlite: Database.Database): number {
  return intSetting(sqlite, 'till_tolerance_cents', 100);
}

/** Share of the cash ceiling at which the register warns. Default 80 %. */
export function ceilingWarnPercent(sqlite: Database.Database): number {
  return Math.min(100, intSetting(sqlite, 'cash_ceiling_warn_percent', 80));
}

/**
 * The float expected in this poste's drawer. A poste keeps one drawer whatever the régie it
 * collects for, while the float is configured per régie: without an explicit setting the
 * drawer is expected to hold the largest float of the régies that accept cash.
 */
export function expectedFloatCents(sqlite: Database.Database): number {
  const configured = getSetting(sqlite, 'till_float_cents');
  if (configured !== null) return intSetting(sqlite, 'till_float_cents', 0);
  const row = prepared(
    sqlite,
    `SELECT COALESCE(MAX(float_cents), 0) AS f FROM regie
       WHERE EXISTS (SELECT 1 FROM json_each(regie.accepted_modes) WHERE value = 'especes')`,
  ).get() as { f: number };
  return row.f;
}
