/**
 * The custom profile fields of the seeded users and what the bench does with them on PostgreSQL:
 * every user has `tier` (about 1,000 users per value) and `score` (spread over a range); the router
 * declares both, the store indexes both and `(tier, -created_at)`. The store's `migrate()` with that
 * declaration runs after the seed, on a full table, and is timed. The reference app reads its own
 * table of the same users where `tier` and `score` are real integer columns.
 */
import pg from 'pg'
import { PostgresUserStore, type PostgresUserStoreOptions } from '../../adapters/postgres/index.js'
import { quote, tableNames } from '../../adapters/postgres/options.js'
import { COLUMNS } from '../../adapters/postgres/rows.js'
import type { ProfileFieldsOption } from '../../src/model/fields.js'
import type { IndexOptions } from '../../src/model/indexed-fields.js'

/** The router's `profileFields`. */
export const PROFILE_FIELDS: ProfileFieldsOption = { tier: 'integer', score: 'integer' }

/** The store's declaration: both fields, and the newest-first page of one tier. */
export const INDEX_OPTIONS: IndexOptions = { indexedFields: { tier: 'integer', score: 'integer' }, indexes: [['tier', '-created_at']] }

/** Users per `tier` value: user i has tier `i % tierCount(users)`. */
export const USERS_PER_TIER = 1000
export const tierCount = (users: number) => Math.max(1, Math.floor(users / USERS_PER_TIER))

/** User i has score `(i * SCORE_STRIDE) % SCORE_RANGE`: the range is prime, so scores differ up to that many users. */
export const SCORE_STRIDE = 7919
export const SCORE_RANGE = 1_000_003

/** The reference app's table, in the run's schema (dropped with it). */
export const REFERENCE_TABLE = 'bench_reference_users'

/** The options of a store on the run's schema; with `indexed`, the declaration too. */
export function storeOptions(databaseUrl: string, schema: string, indexed: boolean): PostgresUserStoreOptions {
  return { connectionString: databaseUrl, schema, ...(indexed ? INDEX_OPTIONS : {}) }
}

/** Milliseconds a step took. */
async function timed(step: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await step()
  return Math.round(performance.now() - start)
}

/**
 * `migrate()` of a store declaring the custom fields, on the seeded table (typed columns filled for
 * every existing user, indexes built), then `VACUUM ANALYZE` as autovacuum would after that many
 * updated rows. Returns how long each took.
 */
export async function migrateDeclared(databaseUrl: string, schema: string): Promise<{ migrateMs: number; vacuumMs: number }> {
  let store: PostgresUserStore
  try {
    store = new PostgresUserStore(storeOptions(databaseUrl, schema, true))
  } catch (error) {
    throw new Error(`the store refused the indexed-field declaration (${(error as Error).message}); BENCH_INDEXED_FIELDS=0 runs without it`)
  }
  let migrateMs: number
  try {
    migrateMs = await timed(() => store.migrate())
  } finally {
    await store.close()
  }
  const vacuumMs = await withClient(databaseUrl, (client) => timed(() => client.query(`VACUUM ANALYZE ${tableNames(schema, 'user_router_users').qualified}`)))
  return { migrateMs, vacuumMs }
}

/**
 * The reference app's table: the seeded users with `tier` and `score` as integer columns instead of
 * the profile, the primary key, and the index `(tier, created_at, id)` that serves the newest-first
 * page of a tier and its count. Returns how long it took.
 */
export async function createReferenceTable(databaseUrl: string, schema: string): Promise<number> {
  const users = tableNames(schema, 'user_router_users').qualified
  const reference = `${quote(schema)}.${quote(REFERENCE_TABLE)}`
  const columns = Object.values(COLUMNS)
    .map((c) => c.name)
    .join(', ')
  return withClient(databaseUrl, (client) =>
    timed(async () => {
      await client.query(`CREATE TABLE ${reference} AS SELECT ${columns}, (profile ->> 'tier')::integer AS tier, (profile ->> 'score')::integer AS score FROM ${users}`)
      await client.query(`ALTER TABLE ${reference} ADD PRIMARY KEY (id)`)
      await client.query(`CREATE INDEX ON ${reference} (tier, created_at, id)`)
      await client.query(`VACUUM ANALYZE ${reference}`)
    }),
  )
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}
