/**
 * The options of `PostgresUserStore`, checked once in the constructor (a wrong option is a developer
 * error: a plain `Error` naming the option), and the names derived from them.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import { parseIndexOptions, type IndexDeclaration, type IndexOptions } from '../../src/model/indexed-fields.js'

export interface PostgresUserStoreOptions extends IndexOptions {
  /**
   * `postgres://user:password@host:5432/database`: the store creates its own pool and ends it in
   * `close()`. Without it (and without `pool`), pg's `PG*` environment variables apply.
   * `undefined` (an unset `process.env.DATABASE_URL`) counts as not given.
   */
  connectionString?: string | undefined
  /**
   * An app's own pool, shared with the store. `close()` leaves it open. Every store query then runs
   * in a short transaction that sets `statement_timeout` locally, so the pool's sessions are never
   * changed.
   */
  pool?: pg.Pool
  /** The schema of the users table (default `public`); `migrate()` creates it if missing. */
  schema?: string
  /** The users table (default `user_router_users`). */
  table?: string
  /** Milliseconds any one statement may run before PostgreSQL cancels it (default 5000). */
  statementTimeoutMs?: number
  /** Milliseconds to wait for a new connection of the store's own pool (default 2000). */
  connectionTimeoutMs?: number
  /**
   * Milliseconds a list statement with a `$regex` filter may run (default 1000, and never more than
   * `statementTimeoutMs`); past it the list fails with `query_too_complex`.
   */
  regexStatementTimeoutMs?: number
  /**
   * How many list queries with a `$regex` filter may hold a connection at once (default a quarter
   * of the pool's `max`, at least 1), so the rest of the pool stays free for other requests. Up to
   * four times as many wait their turn without a connection; more get `busy`.
   */
  maxConcurrentRegexQueries?: number
  /**
   * How many list queries may hold a connection at once (default half the pool's `max`, at least
   * 1), so that a burst of costly lists always leaves connections for sign-ins and lookups.
   */
  maxConcurrentListQueries?: number
  /**
   * How many list queries may wait for one of those places without a connection (default ten
   * times the pool's `max`); more get `busy` (503 with `Retry-After`).
   */
  maxWaitingListQueries?: number
  /**
   * The clock, in milliseconds (default `Date.now`): the store looks again at which indexed fields
   * are ready at most once a minute by it.
   */
  now?: () => number
  /**
   * Whether the hot reads (a user by id, on every authenticated read) run as named prepared
   * statements, parsed and planned once per connection (default true). Set it to false behind a
   * pooler that cannot keep prepared statements, such as PgBouncer in transaction mode before 1.21
   * or with `max_prepared_statements = 0`.
   */
  preparedStatements?: boolean
}

/** The options after checking, with defaults applied. */
export interface PostgresConfig {
  readonly connectionString: string | undefined
  readonly pool: pg.Pool | undefined
  readonly statementTimeoutMs: number
  readonly connectionTimeoutMs: number
  readonly regexStatementTimeoutMs: number
  readonly maxConcurrentRegexQueries: number
  readonly maxConcurrentListQueries: number
  readonly maxWaitingListQueries: number
  /** The indexed custom fields and every index over them. */
  readonly indexed: IndexDeclaration
  readonly now: () => number
  readonly preparedStatements: boolean
  readonly names: TableNames
}

/** Connections of a pg pool when its `max` is not set. */
const PG_DEFAULT_POOL_SIZE = 10

/** Quoted identifiers of the table and its indexes: the only things ever interpolated into SQL. */
export interface TableNames {
  /** The unquoted start of every derived name: the table's name, shortened with a hash when long. */
  readonly prefix: string
  readonly schema: string
  readonly table: string
  /** `"schema"."table"`. */
  readonly qualified: string
  /** `"schema"."<table>_identities"`: the users' third-party identities. */
  readonly identities: string
  /** `"schema"."<table>_indexed_fields"`: which indexed-field columns are ready for queries. */
  readonly indexedFields: string
  /** `"schema"."<table>_sync_indexed"`: the trigger function keeping those columns equal to `profile`. */
  readonly syncFunction: string
  /** The trigger (unquoted) that calls it. */
  readonly syncTrigger: string
  /** `"schema"."<table>_mark_linked"`: the trigger function clearing `never_linked` of a user given an identity. */
  readonly linkFunction: string
  /** The trigger (unquoted) on the identities table that calls it. */
  readonly linkTrigger: string
  /** Unquoted index and constraint names, by purpose; unique ones are how a 23505 is mapped to a code. */
  readonly indexes: {
    readonly username: string
    readonly email: string
    readonly phone: string
    readonly createdAt: string
    readonly updatedAt: string
    readonly nickname: string
    readonly genderCreatedAt: string
    /** The unique constraint on an identity's (provider, subject). */
    readonly identity: string
    readonly identityUser: string
    readonly identityUnionId: string
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/
const KNOWN_OPTIONS = new Set([
  'connectionString',
  'pool',
  'schema',
  'table',
  'statementTimeoutMs',
  'connectionTimeoutMs',
  'regexStatementTimeoutMs',
  'maxConcurrentRegexQueries',
  'maxConcurrentListQueries',
  'maxWaitingListQueries',
  'indexedFields',
  'indexes',
  'now',
  'preparedStatements',
])

function fail(option: string, problem: string): never {
  throw new Error(`PostgresUserStore: options.${option} ${problem}`)
}

function checkMilliseconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 2_147_483_647) {
    fail(option, 'must be a positive integer number of milliseconds')
  }
  return value
}

function checkCount(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(option, min === 1 ? 'must be a positive integer' : 'must be a non-negative integer')
  return value as number
}

function checkIdentifier(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    fail(option, 'must be a lower-case SQL identifier: a letter or _, then letters, digits or _ (at most 63)')
  }
  return value
}

export function parsePostgresOptions(options: PostgresUserStoreOptions = {}): PostgresConfig {
  if (options === null || typeof options !== 'object') throw new Error('PostgresUserStore: options must be an object')
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(key, `is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`)
  }
  const { connectionString, pool } = options
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString === '')) {
    fail('connectionString', 'must be a non-empty string')
  }
  if (pool !== undefined && (pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function')) {
    fail('pool', 'must be a pg.Pool')
  }
  if (pool !== undefined && connectionString !== undefined) fail('pool', 'cannot be given together with connectionString')
  if (pool !== undefined && options.connectionTimeoutMs !== undefined) {
    fail('connectionTimeoutMs', "applies to the store's own pool only; set connectionTimeoutMillis on your pool instead")
  }
  const schema = checkIdentifier('schema', options.schema, 'public')
  const table = checkIdentifier('table', options.table, 'user_router_users')
  const statementTimeoutMs = checkMilliseconds('statementTimeoutMs', options.statementTimeoutMs, 5000)
  const regexStatementTimeoutMs = checkMilliseconds('regexStatementTimeoutMs', options.regexStatementTimeoutMs, Math.min(1000, statementTimeoutMs))
  if (regexStatementTimeoutMs > statementTimeoutMs) fail('regexStatementTimeoutMs', `must be at most statementTimeoutMs (${statementTimeoutMs})`)
  const poolSize = (pool as { options?: { max?: unknown } } | undefined)?.options?.max
  const size = typeof poolSize === 'number' && poolSize > 0 ? poolSize : PG_DEFAULT_POOL_SIZE
  const maxConcurrentRegexQueries = options.maxConcurrentRegexQueries ?? Math.max(1, Math.floor(size / 4))
  if (!Number.isSafeInteger(maxConcurrentRegexQueries) || maxConcurrentRegexQueries < 1) fail('maxConcurrentRegexQueries', 'must be a positive integer')
  const maxConcurrentListQueries = checkCount('maxConcurrentListQueries', options.maxConcurrentListQueries, Math.max(1, Math.floor(size / 2)), 1)
  const maxWaitingListQueries = checkCount('maxWaitingListQueries', options.maxWaitingListQueries, size * 10, 0)
  if (options.now !== undefined && typeof options.now !== 'function') fail('now', 'must be a function returning milliseconds')
  const indexed = parseIndexOptions('PostgresUserStore', { indexedFields: options.indexedFields, indexes: options.indexes })
  const preparedStatements = options.preparedStatements ?? true
  if (typeof preparedStatements !== 'boolean') fail('preparedStatements', 'must be true or false')
  return {
    connectionString,
    pool,
    statementTimeoutMs,
    connectionTimeoutMs: checkMilliseconds('connectionTimeoutMs', options.connectionTimeoutMs, 2000),
    regexStatementTimeoutMs,
    maxConcurrentRegexQueries,
    maxConcurrentListQueries,
    maxWaitingListQueries,
    indexed,
    now: options.now ?? Date.now,
    preparedStatements,
    names: tableNames(schema, table),
  }
}

/**
 * Index names are `<table>_<purpose>`, and the identities table `<table>_identities`; a long table
 * name is shortened with a hash so that every name stays within 63 bytes.
 */
export function tableNames(schema: string, table: string): TableNames {
  const prefix = table.length <= 40 ? table : `${table.slice(0, 31)}_${createHash('sha256').update(table).digest('hex').slice(0, 8)}`
  return {
    prefix,
    schema: quote(schema),
    table: quote(table),
    qualified: `${quote(schema)}.${quote(table)}`,
    identities: `${quote(schema)}.${quote(`${prefix}_identities`)}`,
    indexedFields: `${quote(schema)}.${quote(`${prefix}_indexed_fields`)}`,
    syncFunction: `${quote(schema)}.${quote(`${prefix}_sync_indexed`)}`,
    syncTrigger: `${prefix}_sync_indexed`,
    linkFunction: `${quote(schema)}.${quote(`${prefix}_mark_linked`)}`,
    linkTrigger: `${prefix}_mark_linked`,
    indexes: {
      username: `${prefix}_username_key`,
      email: `${prefix}_email_key`,
      phone: `${prefix}_phone_key`,
      createdAt: `${prefix}_created_at_idx`,
      updatedAt: `${prefix}_updated_at_idx`,
      nickname: `${prefix}_nickname_idx`,
      genderCreatedAt: `${prefix}_gender_created_at_idx`,
      identity: `${prefix}_identity_key`,
      identityUser: `${prefix}_identity_user_idx`,
      identityUnionId: `${prefix}_identity_union_idx`,
    },
  }
}

/** Quotes a checked identifier (they never contain `"`): table names, and custom field names (letters, digits, `_`). */
export function quote(identifier: string): string {
  return `"${identifier}"`
}
