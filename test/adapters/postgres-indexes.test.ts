/**
 * PostgresUserStore over 100,000 users: the list queries an app runs most use an index (checked
 * with EXPLAIN on the very statements the store sends), and statementTimeoutMs cancels a costly one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { ERROR_CODES, isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { createTestSchema, postgresUnavailable, recordingPool, type RecordedStatement, type TestSchema } from '../helpers/postgres.js'

const USERS = 100_000
const BASE = 1_500_000_000
const unavailable = await postgresUnavailable()
const context = { schema: createUserSchema({ score: 'integer' }), visibility: 'all' } as const

describe('PostgresUserStore over 100,000 users', { skip: unavailable ?? false }, () => {
  let test: TestSchema
  let pool: pg.Pool
  let store: PostgresUserStore
  const statements: RecordedStatement[] = []

  before(async () => {
    test = await createTestSchema('pg_indexes')
    pool = recordingPool(test.connectionString, statements)
    store = new PostgresUserStore({ pool, schema: test.schema })
    await store.migrate()
    await test.pool.query(
      `INSERT INTO "${test.schema}".user_router_users (username, email, phone, nickname, gender, created_at, updated_at, profile)
       SELECT 'User' || g, 'user' || g || '@example.com', '1' || lpad(g::text, 10, '0'), 'nick' || (g % 1000), g % 3,
              $1::bigint + g, $1::bigint + g, jsonb_build_object('score', g % 100)
       FROM generate_series(1, $2::integer) AS g`,
      [BASE, USERS],
    )
    // One identity per user; two users per unionid.
    await test.pool.query(
      `INSERT INTO "${test.schema}".user_router_users_identities (user_id, provider, subject, union_id, linked_at)
       SELECT id, 'wechat', 'o' || id, 'u' || (id / 2), created_at FROM "${test.schema}".user_router_users`,
    )
    await test.pool.query(`ANALYZE "${test.schema}".user_router_users`)
    await test.pool.query(`ANALYZE "${test.schema}".user_router_users_identities`)
  })
  after(async () => {
    await store.close()
    await pool.end()
    await test.drop()
  })

  /** Runs `call`, then EXPLAINs the one statement it sent and returns the plan as text. */
  async function planOf(call: () => Promise<unknown>): Promise<string> {
    statements.length = 0
    await call()
    assert.equal(statements.length, 1, statements.map((s) => s.text).join('\n'))
    const { text, values } = statements[0]!
    const { rows } = await test.pool.query(`EXPLAIN ${text}`, values)
    return rows.map((row) => row['QUERY PLAN']).join('\n')
  }

  function assertIndexed(plan: string, index: string): void {
    assert.match(plan, new RegExp(`Index.*${index}`), plan)
    assert.doesNotMatch(plan, /Seq Scan/, plan)
  }

  const list = (params: Record<string, string>) => () => store.listUsers(parseListParams(params, context).query)

  it('pages through created_at > x ordered by created_at on the (created_at, id) index', async () => {
    const where = JSON.stringify({ created_at: { $gt: BASE + USERS / 2 } })
    assertIndexed(await planOf(list({ where, order_by: 'created_at' })), 'user_router_users_created_at_idx')
    assertIndexed(await planOf(list({ order_by: '-created_at', limit: '50' })), 'user_router_users_created_at_idx')
  })

  it('filters nickname = x on the (nickname, id) index', async () => {
    assertIndexed(await planOf(list({ nickname: 'nick7' })), 'user_router_users_nickname_idx')
    assertIndexed(await planOf(list({ where: '{"nickname":"nick7"}', order_by: 'nickname' })), 'user_router_users_nickname_idx')
  })

  it('filters gender ordered by created_at on an index', async () => {
    // (gender, created_at, id) or (created_at, id): a third of the users match, so either is cheap.
    assertIndexed(await planOf(list({ gender: '1', order_by: 'created_at' })), 'user_router_users_(gender_)?created_at_idx')
    assertIndexed(await planOf(list({ gender: '2', order_by: '-created_at', limit: '100' })), 'user_router_users_(gender_)?created_at_idx')
  })

  it('orders by updated_at on the (updated_at, id) index', async () => {
    assertIndexed(await planOf(list({ order_by: 'updated_at', limit: '20' })), 'user_router_users_updated_at_idx')
  })

  it('looks users up by username, e-mail and phone on the unique indexes', async () => {
    assertIndexed(await planOf(() => store.getUserByIdentifier('username', 'USER500')), 'user_router_users_username_key')
    assertIndexed(await planOf(() => store.getUserByIdentifier('email', 'User500@Example.com')), 'user_router_users_email_key')
    assertIndexed(await planOf(() => store.getUserByIdentifier('phone', '10000000500')), 'user_router_users_phone_key')
    assert.equal((await store.getUserByIdentifier('username', 'user500'))?.username, 'User500')
  })

  it('looks users up by identity and by unionid, and reads the identities of a page, on their indexes', async () => {
    assertIndexed(await planOf(() => store.getUserByIdentity('wechat', 'o500')), 'user_router_users_identity_key')
    assertIndexed(await planOf(() => store.getUserByUnionId('u250')), 'user_router_users_identity_union_idx')
    assertIndexed(await planOf(list({ order_by: '-created_at', limit: '50' })), 'user_router_users_identity_user_idx')
    assert.equal((await store.getUserByIdentity('wechat', 'o500'))?.id, 500)
    assert.equal((await store.getUserByUnionId('u250'))?.id, 500, 'the lower id of the two users with that unionid')
  })

  it('filters _username = x and _email = x in a list on the unique indexes', async () => {
    assertIndexed(await planOf(list({ where: '{"_username":"User500"}' })), 'user_router_users_username_key')
    assertIndexed(await planOf(list({ where: '{"_email":"user500@example.com"}' })), 'user_router_users_email_key')
    const page = await store.listUsers(parseListParams({ where: '{"_username":"User500"}' }, context).query)
    assert.deepEqual(
      page.users.map((u) => u.username),
      ['User500'],
    )
    const wrongCase = await store.listUsers(parseListParams({ where: '{"_username":"user500"}' }, context).query)
    assert.deepEqual(wrongCase.users, [], 'eq stays case-sensitive')
  })

  it('cancels a costly filter after statementTimeoutMs and answers unavailable, on its own pool and on an app pool', async () => {
    // Not a regex: a list with a regex filter has a time limit of its own, and answers query_too_complex past it.
    const query = parseListParams({ where: '{"nickname":{"$icontains":"q"}}', return_total_count: '1', order_by: '-score' }, context).query
    const own = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema, statementTimeoutMs: 1 })
    const appPool = new pg.Pool({ connectionString: test.connectionString, max: 1 })
    const shared = new PostgresUserStore({ pool: appPool, schema: test.schema, statementTimeoutMs: 1 })
    try {
      for (const slow of [own, shared]) {
        await assert.rejects(slow.listUsers(query), (error) => {
          assert.ok(isUserRouterError(error, 'unavailable'), String(error))
          assert.equal(error.message, ERROR_CODES.unavailable.message)
          return true
        })
      }
      const { rows } = await appPool.query('SHOW statement_timeout')
      assert.equal(rows[0].statement_timeout, '0', "the app pool's session is unchanged")
    } finally {
      await own.close()
      await shared.close()
      await appPool.end()
    }
  })

  it('migrates (rebuilding a dropped index over 100,000 users) however short statementTimeoutMs is', async () => {
    await test.pool.query(`DROP INDEX "${test.schema}".user_router_users_nickname_idx`)
    const hasty = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema, statementTimeoutMs: 1 })
    try {
      await hasty.migrate()
    } finally {
      await hasty.close()
    }
    assertIndexed(await planOf(list({ nickname: 'nick7' })), 'user_router_users_nickname_idx')
  })
})
