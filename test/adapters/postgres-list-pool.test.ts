/**
 * A burst of costly lists (a filter on a custom field no index serves, over 100,000 users) never
 * takes the whole pool: through the router every list answers 200 or 503 `busy` with Retry-After,
 * never `unavailable` (a connection wait that timed out), and lookups keep being served meanwhile.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'
import { backendSkips, createTestApp, releaseTestResources, type TestApp } from '../helpers/test-app.js'

const skip = await backendSkips()
const pgUnavailable = await postgresUnavailable()
const USERS = 100_000
const POOL_SIZE = 10
const LISTS = 50

describe('PostgresUserStore: a burst of costly lists and the pool', { skip: skip.real || (pgUnavailable ?? false) }, () => {
  let test: TestSchema
  let pool: pg.Pool
  let store: PostgresUserStore
  let t: TestApp

  before(async () => {
    test = await createTestSchema('list_pool')
    // An app's pool: a request that waits a second for a connection fails with `unavailable`.
    pool = new pg.Pool({ connectionString: test.connectionString, max: POOL_SIZE, connectionTimeoutMillis: 1000 })
    pool.on('error', () => {})
    store = new PostgresUserStore({ pool, schema: test.schema })
    await store.migrate()
    await test.pool.query(
      `INSERT INTO "${test.schema}".user_router_users (created_at, updated_at, profile)
       SELECT 1700000000 + g, 1700000000, jsonb_build_object('hobby', repeat('collecting stamps ', 12) || g)
       FROM generate_series(1, ${USERS}) AS g`,
    )
    await test.pool.query(`ANALYZE "${test.schema}".user_router_users`)
    t = await createTestApp({ backend: 'real', label: 'list_pool', options: { storage: store, profileFields: { hobby: 'string' } } })
  })
  after(async () => {
    await t?.close()
    await releaseTestResources()
    await store?.close()
    await pool?.end()
    await test?.drop()
  })

  it(`answers ${LISTS} concurrent unindexed lists with 200 or 503 busy, while lookups keep succeeding`, async () => {
    const token = await t.register('username', 'lister')
    const headers = t.auth(token)
    // Case-insensitive containment of a text no user has: every row's profile is read and lower-cased.
    const where = JSON.stringify({ hobby: { $icontains: 'Gardening' } })
    const lists = Array.from({ length: LISTS }, () => t.request.get('/hserve/v2.2/user/info/').query({ where, return_total_count: '1' }).set(headers))
    let listsDone = false
    const answers = Promise.all(lists.map((request) => request.then((res) => res))).finally(() => {
      listsDone = true
    })
    const lookups: { status: number; body: unknown }[] = []
    // Lookups one after another for as long as the lists run.
    while (!listsDone) {
      const res = await t.request.get(`/hserve/v2.2/user/info/${1 + (lookups.length % USERS)}/`).set(headers)
      lookups.push({ status: res.status, body: res.body })
    }
    const outcomes = await answers
    for (const res of outcomes) {
      if (res.status === 200) {
        assert.equal(res.body.meta.total_count, 0)
        continue
      }
      assert.equal(res.status, 503, JSON.stringify(res.body))
      assert.equal(res.body.code, 'busy')
      assert.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After')
    }
    assert.ok(
      outcomes.some((res) => res.status === 200),
      'lists are served, not only refused',
    )
    assert.ok(lookups.length >= 1)
    assert.deepEqual(
      lookups.filter((l) => l.status !== 200),
      [],
      'every lookup succeeded',
    )
  })
})
