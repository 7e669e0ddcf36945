/**
 * Two server processes, each with its own router, pool and Redis client, sharing one PostgreSQL
 * schema, one Redis key prefix and one secret, as two instances behind a load balancer: what one
 * does, the other sees at once, and every limit counts over both.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import supertest from 'supertest'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'
import { createRedisTestKeys, REDIS_URL, redisUnavailable, type RedisTestKeys } from '../helpers/redis.js'
import { startRouterProcess, stopRouterProcesses, type RouterProcess } from '../helpers/router-processes.js'
import { assertError, CLIENT, CLIENT_ID, PASSWORD } from '../helpers/test-app.js'

const skip = (await postgresUnavailable()) ?? (await redisUnavailable())

describe('two instances sharing PostgreSQL and Redis', { skip: skip ?? false }, () => {
  let schema: TestSchema
  let keys: RedisTestKeys
  let a: ReturnType<typeof supertest>
  let b: ReturnType<typeof supertest>
  let instances: RouterProcess[] = []

  before(async () => {
    schema = await createTestSchema('instances')
    const store = new PostgresUserStore({ connectionString: schema.connectionString, schema: schema.schema })
    await store.migrate()
    await store.close()
    keys = createRedisTestKeys('instances')
    const config = {
      databaseUrl: schema.connectionString,
      schema: schema.schema,
      redis: { url: REDIS_URL },
      keyPrefix: keys.nextPrefix(),
      secret: randomBytes(24).toString('hex'),
      clientId: CLIENT_ID,
      options: { loginThrottle: { maxFailuresPerAccount: 4 }, smsCodes: { maxPerIpPerHour: 4 } },
    }
    instances = await Promise.all([startRouterProcess(config), startRouterProcess(config)])
    ;[a, b] = instances.map((instance) => supertest(instance.url)) as [typeof a, typeof b]
  })
  after(async () => {
    for (const instance of instances) if (!instance.alive()) console.error(instance.output())
    await stopRouterProcesses()
    await keys?.cleanup()
    await schema?.drop()
  })

  const register = async (on: typeof a, username: string) => {
    const res = await on.post('/hserve/v2.1/register/username/').set(CLIENT).send({ username, password: PASSWORD })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body as { id: number; token: string }
  }
  const auth = (token: string) => ({ ...CLIENT, Authorization: `Hydrogen-r1 ${token}` })

  it('accepts on one instance a token issued by the other', async () => {
    const { id, token } = await register(a, 'ann')
    const me = await b.get(`/hserve/v2.2/user/info/${id}/`).set(auth(token))
    assert.equal(me.status, 200, JSON.stringify(me.body))
    assert.equal(me.body.id, id)
  })

  it('refuses on one instance, at once, a token logged out on the other', async () => {
    const { id, token } = await register(b, 'bea')
    assert.equal((await a.get(`/hserve/v2.2/user/info/${id}/`).set(auth(token))).status, 200)
    assert.equal((await b.post('/hserve/v2.0/session/destroy/').set(auth(token))).status, 201)
    assertError(await a.get(`/hserve/v2.2/user/info/${id}/`).set(auth(token)), 401, 'unauthenticated')
  })

  it('holds the SMS cooldown of a phone and the per-IP cap over both instances', async () => {
    const send = (on: typeof a, phone: string) => on.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })
    assert.equal((await send(a, '13800138001')).status, 200)
    assertError(await send(b, '13800138001'), 400, 'sms_rate_limited')
    // The cap is 4 codes per IP and hour, whichever instance sent them.
    assert.equal((await send(b, '13800138002')).status, 200)
    assert.equal((await send(a, '13800138003')).status, 200)
    assert.equal((await send(b, '13800138004')).status, 200)
    assertError(await send(a, '13800138005'), 400, 'sms_rate_limited')
    assertError(await send(b, '13800138006'), 400, 'sms_rate_limited')
  })

  it('throttles sign-ins of an account after the failures made on both instances together', async () => {
    await register(a, 'cid')
    const attempt = (on: typeof a, password: string) => on.post('/hserve/v2.1/login/username/').set(CLIENT).send({ username: 'cid', password })
    for (let i = 0; i < 4; i++) assertError(await attempt(i % 2 === 0 ? a : b, `wrong ${i}`), 400, 'invalid_credentials')
    assertError(await attempt(a, PASSWORD), 429, 'login_throttled')
    assertError(await attempt(b, PASSWORD), 429, 'login_throttled')
  })

  it('gives exactly one 201 to 20 concurrent registrations of one username spread over both', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).post('/hserve/v2.1/register/username/').set(CLIENT).send({ username: 'racer', password: PASSWORD })),
    )
    assert.deepEqual(answers.map((res) => res.status).sort(), [201, ...Array(19).fill(400)])
    for (const res of answers.filter((r) => r.status === 400)) assertError(res, 400, 'username_taken')
    const { rows } = await schema.pool.query(`SELECT count(*)::int AS n FROM "${schema.schema}".user_router_users WHERE username = 'racer'`)
    assert.equal(rows[0].n, 1)
  })
})
