/**
 * The table and its indexes. Every statement is idempotent, so `migrate()` can run at every start,
 * from several processes at once (it runs in one IMMEDIATE transaction).
 */

/** The DDL for a (checked, unquoted) table name. */
export function schemaStatements(table: string): string[] {
  const t = `"${table}"`
  const index = (suffix: string) => `"${table}_${suffix}"`
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      username TEXT,
      username_key TEXT,
      email TEXT,
      email_key TEXT,
      email_verified INTEGER NOT NULL DEFAULT 0,
      phone TEXT,
      phone_verified INTEGER NOT NULL DEFAULT 0,
      provider TEXT NOT NULL DEFAULT '{}',
      avatar TEXT NOT NULL DEFAULT '',
      nickname TEXT NOT NULL DEFAULT '',
      gender INTEGER NOT NULL DEFAULT 0,
      country TEXT NOT NULL DEFAULT '',
      province TEXT NOT NULL DEFAULT '',
      city TEXT NOT NULL DEFAULT '',
      language TEXT NOT NULL DEFAULT '',
      is_authorized INTEGER NOT NULL DEFAULT 0,
      anonymous INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      password_hash TEXT,
      profile TEXT NOT NULL DEFAULT '{}'
    )`,
    // SQLite checks the unique indexes of a row newest first: creating phone, e-mail, then username
    // reports a row that repeats several identifiers as username_taken, as the memory store does.
    `CREATE UNIQUE INDEX IF NOT EXISTS ${index('phone')} ON ${t} (phone)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${index('email_key')} ON ${t} (email_key)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${index('username_key')} ON ${t} (username_key)`,
    `CREATE INDEX IF NOT EXISTS ${index('created_at')} ON ${t} (created_at, id)`,
    `CREATE INDEX IF NOT EXISTS ${index('updated_at')} ON ${t} (updated_at, id)`,
    `CREATE INDEX IF NOT EXISTS ${index('nickname')} ON ${t} (nickname, id)`,
    `CREATE INDEX IF NOT EXISTS ${index('gender')} ON ${t} (gender, created_at, id)`,
  ]
}
