// Compiled statements, kept per connection. better-sqlite3 compiles SQL on every prepare();
// the payment path runs some thirty statements, and compiling them each time cost more than
// the rest of the work. The cache is keyed by the SQL text, so callers keep their SQL inline.
import type Database from 'better-sqlite3';

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let perDb = cache.get(sqlite);
  if (!perDb) {
    perDb = new Map();
    cache.set(sqlite, perDb);
  }
  let s = perDb.get(sql);
  if (!s) {
    s = sqlite.prepare(sql);
    perDb.set(sql, s);
  }
  return s;
}
