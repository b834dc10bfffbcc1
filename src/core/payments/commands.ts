// Idempotency of commands. Each command carries a client-generated UUID; the command table's
// primary key makes a second execution impossible. A replay with the same content returns the
// first result; the same id with other content is a client bug or a collision and is refused.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { DomainError } from '../errors';
import { canonicalJson } from '../journal/canonical';
import { prepared } from '../db/prepared';

export function requestHash(args: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(args)).digest('hex');
}

/**
 * True when the command was already executed with the same content (the caller then returns
 * the first result), false when it is new. Throws CONFLIT when the id was used for something
 * else.
 */
export function alreadyExecuted(
  sqlite: Database.Database,
  commandId: string,
  handler: string,
  hash: string,
): boolean {
  const row = prepared(
    sqlite,
    'SELECT handler, request_hash FROM command WHERE command_id = ?',
  ).get(commandId) as { handler: string; request_hash: string } | undefined;
  if (!row) return false;
  if (row.handler !== handler || row.request_hash !== hash) {
    throw new DomainError(
      'CONFLIT',
      'Cette opération porte l’identifiant d’une opération déjà enregistrée avec un contenu différent. Rien n’a été enregistré : vérifiez le dernier reçu émis, puis recommencez la saisie.',
      'COMMANDE_DIFFERENTE',
    );
  }
  return true;
}

export function insertCommand(
  sqlite: Database.Database,
  c: { commandId: string; handler: string; hash: string; agentId: number; at: string },
): void {
  prepared(
    sqlite,
    'INSERT INTO command (command_id, handler, request_hash, agent_id, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(c.commandId, c.handler, c.hash, c.agentId, c.at);
}
