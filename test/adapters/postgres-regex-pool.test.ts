import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'

const unavailable = await postgresUnavailable()
const context = { schema: createUserSchema(), visibility: 'all' } as const
const USERS = 100_000
const POOL_SIZE = 10
/** Close to the state ceiling, live on every character and never matching: seconds of PostgreSQL work over 100,000 rows. */
const WORST_PATTERN = '(?:[^#]{0,99}){10}#'

describe('PostgresUserStore: regex queries and the pool', { skip: unavailable ?? false }, () => {
  let test: TestSchema
  let pool: pg.Pool
  let store: PostgresUserStore

  before(async () => {
    test = await createTestSchema('regex_pool')
    // An app's pool: a request that waits longer than a second for a connection fails with `unavailable`.
    pool = new pg.Pool({ connectionString: test.connectionString, max: POOL_SIZE, connectionTimeoutMillis: 1000 })
    pool.on('error', () => {})
    store = new PostgresUserStore({ pool, schema: test.schema })
    await store.migrate()
    await test.pool.query(
      `INSERT INTO "${test.schema}".user_router_users (nickname, created_at, updated_at)
       SELECT rpad('user number ' || i || ' ', 40, 'x'), 1700000000, 1700000000 FROM generate_series(1, ${USERS}) AS i`,
    )
  })

  after(async () => {
    await store?.close()
    await pool?.end()
    await test?.drop()
  })

  it('keeps connections for ordinary requests while ten worst-case regex lists run', async () => {
    let held = 0
    let maxHeld = 0
    // Requests queued behind a full pool (pg also counts requests waiting for a new connection to open).
    let queuedOnFullPool = 0
    const sampleQueue = () => {
      if (pool.totalCount >= POOL_SIZE) queuedOnFullPool = Math.max(queuedOnFullPool, pool.waitingCount)
    }
    pool.on('acquire', () => {
      held++
      maxHeld = Math.max(maxHeld, held)
      sampleQueue()
    })
    pool.on('release', () => {
      held--
    })
    const where = JSON.stringify({ $or: [{ nickname: { $regex: WORST_PATTERN, $options: 'i' } }, { nickname: { $regex: WORST_PATTERN } }] })
    const regexQuery = parseListParams({ where }, context).query
    const outcomes: unknown[] = []
    const regexLists = Array.from({ length: 10 }, () =>
      store.listUsers(regexQuery).then(
        () => outcomes.push('listed'),
        (error: unknown) => outcomes.push(error),
      ),
    )
    const plainQuery = parseListParams({ order_by: '-created_at', limit: '5' }, context).query
    const ordinary: unknown[] = []
    let ordinaryDone = 0
    // Ordinary requests, one after another, for as long as the regex lists run.
    while (outcomes.length < regexLists.length) {
      sampleQueue()
      for (const call of [() => store.getUserById(1 + (ordinaryDone % USERS)), () => store.listUsers(plainQuery)]) {
        try {
          await call()
        } catch (error) {
          ordinary.push(error)
        }
        ordinaryDone++
      }
    }
    await Promise.all(regexLists)
    assert.deepEqual(ordinary, [], 'every ordinary request succeeded')
    assert.ok(ordinaryDone >= 2)
    // The regex lists never took more than a quarter of the pool, and nothing queued for a connection.
    assert.ok(maxHeld <= POOL_SIZE / 4 + 1, `at most ${POOL_SIZE / 4 + 1} connections held at once, saw ${maxHeld}`)
    assert.equal(queuedOnFullPool, 0, 'no request queued behind a full pool')
    for (const outcome of outcomes) {
      if (outcome === 'listed') continue
      assert.ok(isUserRouterError(outcome, 'query_too_complex') || isUserRouterError(outcome, 'busy'), String(outcome))
    }
  })

  it('answers query_too_complex, not unavailable, when a regex list passes its own time limit', async () => {
    const where = JSON.stringify({ nickname: { $regex: WORST_PATTERN, $options: 'i' } })
    await assert.rejects(store.listUsers(parseListParams({ where, return_total_count: '1' }, context).query), (e) => isUserRouterError(e, 'query_too_complex'))
    // The connection went back to the pool in working order.
    assert.equal((await store.getUserById(1))?.id, 1)
  })
})
