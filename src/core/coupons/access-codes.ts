// Activation codes of the family portal: drawn here, stored as a hash, queued for the portal by
// a trigger, and read back with what the portal said about them.
import { randomInt, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_LENGTH,
  accessCodeSha256,
  formatAccessCode,
} from '../../shared/access-code';
import {
  accessCodeStatuses,
  type AccessCodeInfo,
  type AccessCodeStatus,
  type FamilyAccess,
} from '../../shared/contract';
import { readMachineSettings } from '../admin/machine-settings';
import { DomainError } from '../errors';
import { familyPortalUrlOf } from './coupon-data';

/** A fresh code, e.g. "7KQ4-MX9C-TRH3", each symbol drawn uniformly by the OS's CSPRNG. */
export function generateAccessCode(): string {
  let raw = '';
  for (let i = 0; i < ACCESS_CODE_LENGTH; i++) {
    raw += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  }
  return formatAccessCode(raw);
}

export function accessCodeDays(sqlite: Database.Database): number {
  return readMachineSettings(sqlite, null).accessCodeDays;
}

export function expiryOf(issuedAt: Date, days: number): string {
  return new Date(issuedAt.getTime() + days * 86_400_000).toISOString();
}

/** A code drawn in memory, not yet written: a batch writes all of its codes at the end. */
export interface PendingCode {
  ref: string;
  familyId: number;
  code: string;
  issuedAt: string;
  expiresAt: string;
}

export function drawCode(
  familyId: number,
  issuedAt: Date,
  days: number,
  ref: string = randomUUID(),
): PendingCode {
  return {
    ref,
    familyId,
    code: generateAccessCode(),
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiryOf(issuedAt, days),
  };
}

/**
 * Writes codes (their hashes only). Must run inside the caller's transaction; the outbox row of
 * each is written by the database trigger in the same transaction. Returns the rows' ids.
 */
export function insertCodes(
  sqlite: Database.Database,
  codes: readonly PendingCode[],
  by: { agentId: number; posteCode: string; batchRef: string | null },
): number[] {
  const insert = sqlite.prepare(
    `INSERT INTO access_code (ref, family_id, code_sha256, issued_at, expires_at, agent_id, poste_code, batch_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return codes.map((c) =>
    Number(
      insert.run(
        c.ref,
        c.familyId,
        accessCodeSha256(c.code),
        c.issuedAt,
        c.expiresAt,
        by.agentId,
        by.posteCode,
        by.batchRef,
      ).lastInsertRowid,
    ),
  );
}

/**
 * The codes of a batch, waiting in a temporary table of the connection (memory only, never in
 * the database file, and holding only hashes) until the batch commits. Staging them as coupons
 * are drawn leaves the commit one INSERT … SELECT: for 5,000 codes, a fraction of the time
 * 5,000 separate inserts take inside the final transaction, during which the counter waits.
 */
export interface CodeStage {
  /** Stages codes (their hashes); outside any transaction of the caller. */
  add(codes: readonly PendingCode[]): void;
  /** Inserts every staged code; must run inside the caller's transaction. Returns the count. */
  commit(by: { agentId: number; posteCode: string; batchRef: string }): number;
  /** Drops the staging table (after commit, cancel or failure). */
  drop(): void;
}

export function stageCodes(sqlite: Database.Database, batchRef: string): CodeStage {
  const table = `temp.coupon_codes_${batchRef.replace(/[^0-9a-zA-Z]/g, '')}`;
  sqlite.exec(
    `CREATE TEMP TABLE IF NOT EXISTS ${table.slice(5)} (ref TEXT NOT NULL, family_id INTEGER NOT NULL, code_sha256 TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL)`,
  );
  const insert = sqlite.prepare(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?)`);
  const addAll = sqlite.transaction((codes: readonly PendingCode[]) => {
    for (const c of codes) {
      insert.run(c.ref, c.familyId, accessCodeSha256(c.code), c.issuedAt, c.expiresAt);
    }
  });
  return {
    add: (codes) => addAll(codes),
    commit: (by) =>
      sqlite
        .prepare(
          `INSERT INTO access_code (ref, family_id, code_sha256, issued_at, expires_at, agent_id, poste_code, batch_ref)
           SELECT ref, family_id, code_sha256, issued_at, expires_at, ?, ?, ? FROM ${table} ORDER BY rowid`,
        )
        .run(by.agentId, by.posteCode, by.batchRef).changes,
    drop: () => {
      if (sqlite.open) sqlite.exec(`DROP TABLE IF EXISTS ${table}`);
    },
  };
}

interface CodeRow {
  id: number;
  ref: string;
  issued_at: string;
  expires_at: string | null;
  poste_code: string;
  batch_ref: string | null;
  agent_name: string | null;
  pending: number;
}

interface MirrorCode {
  ref: string;
  status: AccessCodeStatus | null;
  issuedAt: string | null;
  expiresAt: string | null;
  activatedAt: string | null;
  posteCode: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function mirrorCodes(sqlite: Database.Database, familyCode: string): Map<string, MirrorCode> {
  const rows = sqlite
    .prepare(
      `SELECT key, data FROM sync_mirror
        WHERE entity = 'access_code' AND data IS NOT NULL AND json_extract(data, '$.familyCode') = ?`,
    )
    .all(familyCode) as { key: string; data: string }[];
  const out = new Map<string, MirrorCode>();
  for (const r of rows) {
    let d: Record<string, unknown>;
    try {
      d = JSON.parse(r.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    const status = str(d.status);
    out.set(r.key, {
      ref: r.key,
      status: accessCodeStatuses.find((s) => s === status) ?? null,
      issuedAt: str(d.issuedAt),
      expiresAt: str(d.expiresAt),
      activatedAt: str(d.activatedAt),
      posteCode: str(d.issuedByPosteCode),
    });
  }
  return out;
}

/**
 * Every code of a family, newest first, with its status: what the portal published wins when
 * it knows the code (activation happens there); otherwise a code is replaced when a newer one
 * exists, expired once its date is past, and waiting for activation until then. Codes issued
 * by other postes are known only through the portal's feed and are listed from it.
 */
export function familyAccess(sqlite: Database.Database, familyId: number, now: Date): FamilyAccess {
  const family = sqlite.prepare('SELECT code FROM family WHERE id = ?').get(familyId) as
    { code: string } | undefined;
  if (!family) {
    throw new DomainError(
      'INTROUVABLE',
      'Cette famille est introuvable : elle a peut-être été fusionnée ou supprimée. Relancez la recherche.',
    );
  }
  const rows = sqlite
    .prepare(
      `SELECT c.id, c.ref, c.issued_at, c.expires_at, c.poste_code, c.batch_ref,
              a.display_name AS agent_name,
              EXISTS (SELECT 1 FROM sync_outbox o WHERE o.kind = 'access_code' AND o.entity_id = c.id) AS pending
         FROM access_code c LEFT JOIN agent a ON a.id = c.agent_id
        WHERE c.family_id = ? ORDER BY c.issued_at DESC, c.id DESC`,
    )
    .all(familyId) as CodeRow[];
  const mirrored = mirrorCodes(sqlite, family.code);
  const items: (Omit<AccessCodeInfo, 'status'> & { portalStatus: AccessCodeStatus | null })[] =
    rows.map((r) => {
      const m = mirrored.get(r.ref);
      mirrored.delete(r.ref);
      return {
        ref: r.ref,
        issuedAt: r.issued_at,
        expiresAt: r.expires_at,
        activatedAt: m?.activatedAt ?? null,
        issuedBy: r.agent_name ?? '',
        posteCode: r.poste_code,
        batchRef: r.batch_ref,
        pendingSync: r.pending === 1,
        portalStatus: m?.status ?? null,
      };
    });
  for (const m of mirrored.values()) {
    if (!m.issuedAt) continue;
    items.push({
      ref: m.ref,
      issuedAt: m.issuedAt,
      expiresAt: m.expiresAt,
      activatedAt: m.activatedAt,
      issuedBy: '',
      posteCode: m.posteCode ?? '',
      batchRef: null,
      pendingSync: false,
      portalStatus: m.status,
    });
  }
  items.sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : a.issuedAt > b.issuedAt ? -1 : 0));
  const nowIso = now.toISOString();
  const history: AccessCodeInfo[] = items.map(({ portalStatus, ...item }, i) => {
    let status: AccessCodeStatus;
    if (portalStatus === 'active' || item.activatedAt !== null) status = 'active';
    else if (i > 0 || portalStatus === 'remplace') status = 'remplace';
    else if (portalStatus === 'expire' || (item.expiresAt !== null && item.expiresAt <= nowIso)) {
      status = 'expire';
    } else status = 'emis';
    return { ...item, status };
  });
  return {
    familyCode: family.code,
    current: history[0] ?? null,
    history,
    familyPortalUrl: familyPortalUrlOf(sqlite),
  };
}
