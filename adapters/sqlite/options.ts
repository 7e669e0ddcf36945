/**
 * Options of the SQLite store, checked once in the constructor with errors that name the option.
 */
import type Database from 'better-sqlite3'
import { type IndexDeclaration, type IndexOptions, parseIndexOptions } from '../../src/model/indexed-fields.js'

/**
 * `indexedFields` (`{ score: 'integer' }`) and `indexes` (`[['-score']]`): custom fields kept in
 * VIRTUAL generated columns with an index each, and combinations indexed together. `migrate()`
 * adds, changes or drops them to match; lists filtered or sorted on them read the indexes.
 */
export interface SqliteUserStoreOptions extends IndexOptions {
  /**
   * The database file, created if missing (default `':memory:'`, a private in-memory database).
   * The store opens it in WAL mode so that readers never wait for a writer. Not with `database`.
   */
  filename?: string
  /**
   * An open better-sqlite3 connection of the app, used instead of opening `filename`. The store
   * registers its SQL functions (`eur_lower`, `eur_date`, `eur_regex`) on it, leaves its journal
   * mode alone, and `close()` leaves it open. Indexed date fields need it to keep `trusted_schema` on.
   */
  database?: Database.Database
  /** Table name: lower-case letters, digits and `_`, at most 63 (default `'user_router_users'`). */
  table?: string
  /**
   * How long a write waits for another connection's (or process's) write lock, in milliseconds,
   * before failing with `unavailable` (default 5000). Applied to an app's `database` only when given.
   */
  busyTimeoutMs?: number
}

export interface SqliteConfig {
  readonly filename: string
  readonly database: Database.Database | null
  readonly table: string
  readonly busyTimeoutMs: number
  readonly busyTimeoutGiven: boolean
  readonly indexes: IndexDeclaration
}

export const DEFAULT_TABLE = 'user_router_users'
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Checks the options; a mistake is a developer error, thrown as a plain `Error` naming the option. */
export function parseOptions(options: SqliteUserStoreOptions = {}): SqliteConfig {
  const where = 'SqliteUserStore options'
  if (options === null || typeof options !== 'object') throw new Error(`${where}: must be an object`)
  const { filename, database, table = DEFAULT_TABLE, busyTimeoutMs } = options
  if (filename !== undefined && (typeof filename !== 'string' || filename === '')) {
    throw new Error(`${where}.filename: must be a non-empty file path, or ':memory:'`)
  }
  if (database !== undefined) {
    if (database === null || typeof database !== 'object' || typeof database.prepare !== 'function' || typeof database.function !== 'function') {
      throw new Error(`${where}.database: must be an open better-sqlite3 Database`)
    }
    if (filename !== undefined) throw new Error(`${where}.filename: give either filename or database, not both`)
  }
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new Error(`${where}.table: must match ${TABLE_NAME} (lower-case letters, digits and _, starting with a letter or _)`)
  }
  if (busyTimeoutMs !== undefined && (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0)) {
    throw new Error(`${where}.busyTimeoutMs: must be a non-negative integer number of milliseconds`)
  }
  const indexes = parseIndexOptions('SqliteUserStore', { indexedFields: options.indexedFields, indexes: options.indexes })
  return {
    filename: filename ?? ':memory:',
    database: database ?? null,
    table,
    busyTimeoutMs: busyTimeoutMs ?? 5000,
    busyTimeoutGiven: busyTimeoutMs !== undefined,
    indexes,
  }
}
