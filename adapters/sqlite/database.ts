/**
 * The store's connection: opening a file, naming the place it holds, and what indexed fields need
 * of a connection.
 */
import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { IndexDeclaration } from '../../src/model/indexed-fields.js'

/**
 * Indexed date fields call `eur_date` from the schema, which SQLite refuses for an app-defined
 * function when `trusted_schema` is off (better-sqlite3 cannot mark it innocuous): say so now
 * rather than at the first read.
 */
export function checkTrustedSchema(db: Database.Database, declaration: IndexDeclaration): void {
  const date = declaration.fields.find((f) => f.type === 'date')
  if (date && db.pragma('trusted_schema', { simple: true }) === 0) {
    throw new Error(`SqliteUserStore options.indexedFields.${date.name}: indexed date fields need PRAGMA trusted_schema = ON on the database`)
  }
}

/** The resolved database file and table; an in-memory database is private to its connection. */
export function placeOf(db: Database.Database, table: string): string {
  if (db.memory) return `sqlite:memory:${randomUUID()}`
  const path = resolve(db.name)
  let real = path
  try {
    real = realpathSync(path)
  } catch {
    // Not resolvable (removed since opening): the absolute path still names it.
  }
  return `sqlite:${real}#${table}`
}

/** Opens a file (WAL mode: readers never block the writer nor each other) or a memory database. */
export function openDatabase(filename: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined
  try {
    db = new Database(filename, { timeout: busyTimeoutMs })
    if (!db.memory) db.pragma('journal_mode = WAL')
    // Deleting a user (by hand, or by an app's own SQL) then deletes its identities too.
    db.pragma('foreign_keys = ON')
    return db
  } catch (error) {
    db?.close()
    const code = (error as { code?: unknown }).code
    throw new Error(`SqliteUserStore options.filename: cannot open ${JSON.stringify(filename)} (${String(code ?? (error as Error).message)})`, { cause: error })
  }
}
