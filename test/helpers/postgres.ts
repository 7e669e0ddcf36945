/**
 * Real PostgreSQL for tests: each test file gets its own schema, dropped at the end, so files run
 * in parallel without seeing each other's data. Unreachable: fails the run when CI=true, otherwise
 * the suite is skipped with a message.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test'

export interface TestSchema {
  readonly connectionString: string
  /** A fresh schema name, unique to this test file. */
  readonly schema: string
  /** A pool for the test's own checks (EXPLAIN, raw reads). */
  readonly pool: pg.Pool
  drop(): Promise<void>
}

/** Why PostgreSQL cannot be used, or null when it can. Throws under CI=true. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    const reason = `PostgreSQL not reachable at ${POSTGRES_URL} (${(error as Error).message}): suite skipped`
    if (process.env.CI === 'true') throw new Error(`${reason.replace(': suite skipped', '')}; CI requires it`)
    console.warn(reason)
    return reason
  } finally {
    await client.end().catch(() => {})
  }
}

/** Creates a schema named after the test file plus random bits (on the shared server unless told). */
export async function createTestSchema(label: string, connectionString = POSTGRES_URL): Promise<TestSchema> {
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`
  const pool = new pg.Pool({ connectionString, max: 4 })
  // A throwaway server restarted by a test drops the pool's idle connections: not a failure.
  pool.on('error', () => {})
  await pool.query(`CREATE SCHEMA "${schema}"`)
  return {
    connectionString,
    schema,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await pool.end()
    },
  }
}

/** A statement a store sent, with its bound values. */
export interface RecordedStatement {
  text: string
  values: unknown[]
}

/**
 * A pool that records every statement with bound values whose text mentions `table` (the store's
 * own statements, not its transaction control), for EXPLAIN and for counting a store's work.
 */
export function recordingPool(connectionString: string, statements: RecordedStatement[], table = 'user_router_users', max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString, max })
  pool.on('error', () => {})
  const wrapped = new WeakSet<pg.PoolClient>()
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>
  pool.connect = (async () => {
    const client = await connect()
    if (!wrapped.has(client)) {
      wrapped.add(client)
      const query = client.query.bind(client) as (...args: unknown[]) => unknown
      client.query = ((config: unknown, ...rest: unknown[]) => {
        const { text, values } = (config ?? {}) as Partial<RecordedStatement>
        if (typeof text === 'string' && Array.isArray(values) && text.includes(table)) statements.push({ text, values })
        return query(config, ...rest)
      }) as typeof client.query
    }
    return client
  }) as typeof pool.connect
  return pool
}
