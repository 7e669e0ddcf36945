/**
 * The bench's use of the real PostgreSQL and Redis: a reachability check with a clear message, the
 * run's own schema (created, seeded through the store, dropped) and key prefix (deleted at the end).
 */
import { Redis } from 'ioredis'
import pg from 'pg'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { tableNames } from '../../adapters/postgres/options.js'
import { PasswordHasher } from '../../src/services/passwords.js'
import { USERNAME_PREFIX } from './config.js'
import { SCORE_RANGE, SCORE_STRIDE, tierCount } from './custom-fields.js'

const CHECK_TIMEOUT_MS = 3000

function openRedis(url: string): { client: Redis; lastError: () => Error | undefined } {
  let last: Error | undefined
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    commandTimeout: 10_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  client.on('error', (error: Error) => {
    last = error
  })
  return { client, lastError: () => last }
}

/** Throws a message naming the service, its URL and the setting to change when one is unreachable. */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CHECK_TIMEOUT_MS })
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${databaseUrl} (${(error as Error).message}). The bench runs against a real PostgreSQL: start one, or point BENCH_DATABASE_URL at it.`,
    )
  } finally {
    await client.end().catch(() => {})
  }
  const { client: redis, lastError } = openRedis(redisUrl)
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(lastError() ?? (error as Error)).message}). The bench runs against a real Redis: start one, or point BENCH_REDIS_URL at it.`,
    )
  } finally {
    redis.disconnect()
  }
}

/** Seconds since the epoch of the first seeded user; user i was created i seconds later (reproducible). */
export const SEED_EPOCH = 1_700_000_000

/**
 * Creates the table through the store (`migrate()`: the schema the router uses, with its indexes),
 * then inserts `count` users in one server-side statement: `bench-user-<i>`, nickname `Bench <i>`,
 * gender `i % 3`, created `SEED_EPOCH + i`, custom fields `tier` and `score` (see `custom-fields.ts`),
 * all with one precomputed hash of `password` (made with the router's scrypt parameters, so logins
 * never rehash). The same settings give the same rows. Returns the users' ids in order.
 */
export async function seedUsers(databaseUrl: string, schema: string, scrypt: { logN: number; r: number; p: number }, password: string, count: number): Promise<number[]> {
  const passwordHash = await new PasswordHasher({ scrypt, maxConcurrent: 1, maxQueued: 0 }).hash(password)
  const store = new PostgresUserStore({ connectionString: databaseUrl, schema })
  try {
    await store.migrate()
  } finally {
    await store.close()
  }
  const table = tableNames(schema, 'user_router_users').qualified
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(
      `INSERT INTO ${table} (username, password_hash, nickname, gender, created_at, updated_at, profile)
       SELECT $1::text || i, $2::text, 'Bench ' || i, i % 3, $3::bigint + i, $3::bigint + i,
         jsonb_build_object('tier', i % $5::int, 'score', (i::bigint * $6::bigint) % $7::bigint)
       FROM generate_series(0, $4::int - 1) AS i`,
      [USERNAME_PREFIX, passwordHash, SEED_EPOCH, count, tierCount(count), SCORE_STRIDE, SCORE_RANGE],
    )
    // As autovacuum leaves a long-lived table: fresh statistics (the planner picks the indexes) and
    // a visibility map (a count over an index needs no visit to the rows).
    await client.query(`VACUUM ANALYZE ${table}`)
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)
    return rows.map((row) => Number(row.id))
  } finally {
    await client.end()
  }
}

/** Drops the run's schema and deletes every key under its prefix; reports what it could not do. */
export async function cleanUp(databaseUrl: string, schema: string, redisUrl: string, keyPrefix: string): Promise<string[]> {
  const problems: string[] = []
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CHECK_TIMEOUT_MS })
  try {
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } catch (error) {
    problems.push(`could not drop schema ${schema}: ${(error as Error).message}`)
  } finally {
    await client.end().catch(() => {})
  }
  const { client: redis } = openRedis(redisUrl)
  try {
    await redis.connect()
    let cursor = '0'
    let rounds = 0
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.unlink(...keys)
      cursor = next
    } while (cursor !== '0' && ++rounds < 100_000)
  } catch (error) {
    problems.push(`could not delete Redis keys ${keyPrefix}*: ${(error as Error).message}`)
  } finally {
    redis.disconnect()
  }
  return problems
}
