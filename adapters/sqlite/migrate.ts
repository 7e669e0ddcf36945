/**
 * The tables and their indexes. Every statement is idempotent, so `migrate()` can run at every
 * start, from several processes at once (it runs in one IMMEDIATE transaction), and a database made
 * by an earlier version gains what it lacks (the identities table) at its next start.
 */
import type Database from 'better-sqlite3'

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
      suspended INTEGER NOT NULL DEFAULT 0,
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
    ...identityStatements(table),
  ]
}

/** The name of the table of third-party identities that goes with a users table. */
export function identitiesTable(table: string): string {
  return `${table}_identities`
}

/** Third-party identities: (provider, subject) unique over all users, looked up by user and by unionid. */
function identityStatements(table: string): string[] {
  const it = `"${identitiesTable(table)}"`
  const index = (suffix: string) => `"${identitiesTable(table)}_${suffix}"`
  return [
    `CREATE TABLE IF NOT EXISTS ${it} (
      user_id INTEGER NOT NULL REFERENCES "${table}" (id) ON DELETE CASCADE,
      provider TEXT NOT NULL,
      subject TEXT NOT NULL,
      union_id TEXT,
      linked_at INTEGER NOT NULL
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${index('provider_subject')} ON ${it} (provider, subject)`,
    `CREATE INDEX IF NOT EXISTS ${index('user_id')} ON ${it} (user_id)`,
    `CREATE INDEX IF NOT EXISTS ${index('union_id')} ON ${it} (union_id, user_id)`,
  ]
}

/** Columns added after the first release, with their definitions: a table made before them gains them. */
const LATER_COLUMNS: Readonly<Record<string, string>> = {
  suspended: 'INTEGER NOT NULL DEFAULT 0',
}

/** Adds to an existing users table the columns it was made without (SQLite has no ADD COLUMN IF NOT EXISTS). */
export function addMissingColumns(db: Database.Database, table: string): void {
  const present = new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name))
  for (const [name, definition] of Object.entries(LATER_COLUMNS)) if (!present.has(name)) db.exec(`ALTER TABLE "${table}" ADD COLUMN ${name} ${definition}`)
}
