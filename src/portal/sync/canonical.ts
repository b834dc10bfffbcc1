// Canonical JSON for the hash of a pushed operation: sorted keys, no white space, so that a
// replay of the same operation hashes the same whatever key order the client serialised.
// (The register's journal has its own canonical form in core/journal/canonical.ts, which the
// portal may not import; this one accepts any JSON number since payloads are validated first.)
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  }
  return `{${parts.join(',')}}`;
}

export function opHash(kind: string, payload: unknown): string {
  return createHash('sha256').update(canonicalJson({ kind, payload }), 'utf8').digest('hex');
}
