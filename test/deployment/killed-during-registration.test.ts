/**
 * A server process killed with SIGKILL while registrations pour in leaves no half-made user: every
 * stored row has its identifier and a password hash that signs in, and every 201 a client received
 * is a stored row. Requests in flight at the kill may have been stored without their answer: those
 * users exist, complete, and sign in too.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { postgresUnavailable } from '../helpers/postgres.js'
import { createRedisTestKeys, REDIS_URL, redisUnavailable, type RedisTestKeys } from '../helpers/redis.js'
import { startRouterProcess, stopRouterProcesses } from '../helpers/router-processes.js'
import { describeAnswers, startTraffic, waitUntil, type Answer } from '../helpers/traffic.js'
import { createServerUsers, migratedSchema, type MigratedSchema } from './fixtures.js'

const skip = (await postgresUnavailable()) ?? (await redisUnavailable())

describe('a server killed during a registration load', { skip: skip ?? false }, () => {
  let schema: MigratedSchema
  let keys: RedisTestKeys

  before(async () => {
    schema = await migratedSchema('killed')
    keys = createRedisTestKeys('killed')
  })
  after(async () => {
    await stopRouterProcesses()
    await keys?.cleanup()
    await schema?.drop()
  })

  it('leaves every user complete or absent, and every 201 stored', async () => {
    const config = schema.processConfig({ url: REDIS_URL }, keys.nextPrefix())
    const server = await startRouterProcess(config)
    const users = createServerUsers(server.url)
    const registered: (Answer & { id?: number; username: string })[] = []
    const traffic = startTraffic(
      async (n) => {
        const username = `reg-${n}`
        const answer = { ...(await users.tryRegister(username)), username }
        registered.push(answer)
        return answer
      },
      8,
      0,
    )
    await waitUntil(async () => registered.filter((a) => a.status === 201).length >= 50, 20_000, '50 registrations')
    await server.kill('SIGKILL')
    await traffic.stop()

    const created = registered.filter((a) => a.status === 201)
    const unanswered = registered.filter((a) => a.status === 0)
    assert.ok(unanswered.length > 0, `no request was cut off by the kill: ${describeAnswers(registered)}`)
    assert.ok(
      registered.every((a) => a.status === 201 || a.status === 0),
      describeAnswers(registered),
    )

    const { rows } = await schema.pool.query<{ id: string; username: string | null; password_hash: string | null }>(
      `SELECT id, username, password_hash FROM "${schema.schema}".user_router_users ORDER BY id`,
    )
    for (const row of rows) {
      assert.ok(row.username && /^reg-\d+$/.test(row.username), `row ${row.id} has no username`)
      assert.ok(row.password_hash && row.password_hash.length > 20, `row ${row.id} (${row.username}) has no password hash`)
    }
    const stored = new Map(rows.map((row) => [row.username, Number(row.id)]))
    for (const answer of created) assert.equal(stored.get(answer.username), answer.id, `the 201 for ${answer.username} has no row`)
    // Rows whose answer never came (stored just before the kill) are complete users too.
    assert.ok(rows.length >= created.length && rows.length <= registered.length, `${rows.length} rows, ${describeAnswers(registered)}`)

    const restarted = createServerUsers((await startRouterProcess(config)).url)
    for (const row of rows) {
      const [signIn, read] = await restarted.signInAndRead(row.username!)
      assert.equal(signIn?.status, 201, `${row.username} cannot sign in`)
      assert.equal(read?.status, 200)
    }
  })
})
