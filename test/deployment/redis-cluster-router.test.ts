/**
 * The router, unchanged, on a three-master Redis Cluster (an app's ioredis `Cluster` client): every
 * flow that touches several keys at once (sessions and their per-user sets, codes and their limits,
 * the login throttle) keeps them in one hash slot, or the cluster refuses it with CROSSSLOT.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Cluster } from 'ioredis'
import { postgresUnavailable } from '../helpers/postgres.js'
import { redisServerMissing, startThrowawayCluster, type ThrowawayCluster } from '../helpers/redis.js'
import { smsOutbox } from '../helpers/sms-outbox.js'
import { assertError, CLIENT, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'

const skip = redisServerMissing() ?? (await postgresUnavailable())

describe('the router on Redis Cluster', { skip: skip ?? false }, () => {
  let cluster: ThrowawayCluster | undefined
  let client: Cluster | undefined
  let t: TestApp
  const outbox = smsOutbox()

  before(async () => {
    cluster = await startThrowawayCluster()
    client = new Cluster(cluster.nodes)
    await client.ping()
    t = await createTestApp({
      backend: 'real',
      label: 'cluster',
      options: { redis: client, keyPrefix: 'cluster-test:', sms: outbox.sender, loginThrottle: { maxFailuresPerAccount: 3 } },
    })
  })
  after(async () => {
    await releaseTestResources()
    await client?.quit()
    await cluster?.kill()
  })

  const me = (token: string) => t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))

  it('registers, signs in, serves a token and logs it out', async () => {
    const { id, token } = await t.signUp('username', 'ada')
    const second = await t.login('username', 'ada')
    assert.equal((await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(second))).status, 200)
    assert.equal((await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth(token))).status, 201)
    assertError(await me(token), 401, 'unauthenticated')
    assert.equal((await me(second)).status, 200)
  })

  it('revokes every other session of a user at a password change', async () => {
    const caller = await t.register('username', 'bob')
    const others = [await t.login('username', 'bob'), await t.login('username', 'bob')]
    const res = await t.request.put('/hserve/v2.2/user/account').set(t.auth(caller)).send({ password: PASSWORD, new_password: 'another password 2' })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal((await me(caller)).status, 200)
    for (const token of others) assertError(await me(token), 401, 'unauthenticated')
  })

  it('sends an SMS code, holds its cooldown, and accepts it once', async () => {
    const phone = '13800138000'
    const send = () => t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })
    assert.equal((await send()).status, 200)
    assertError(await send(), 400, 'sms_rate_limited')
    const verify = () =>
      t.request
        .post('/hserve/v1.8/sms-verification-code/verify/')
        .set(CLIENT)
        .send({ phone, code: outbox.lastCode(phone) })
    assert.equal((await verify()).status, 200)
    assertError(await verify(), 400, 'invalid_code')
  })

  it('signs in by SMS code, creating the user', async () => {
    const phone = '13900139000'
    assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })).status, 200)
    const res = await t.request
      .post('/hserve/v2.1/login/sms/')
      .set(CLIENT)
      .send({ phone, code: outbox.lastCode(phone), create_user: true })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    assert.equal((await me(res.body.token)).status, 200)
  })

  it('throttles sign-ins after failures, and the key spread is really over several nodes', async () => {
    await t.register('username', 'cy')
    const attempt = (password: string) => t.request.post('/hserve/v2.1/login/username/').set(CLIENT).send({ username: 'cy', password })
    for (let i = 0; i < 3; i++) assertError(await attempt(`wrong ${i}`), 400, 'invalid_credentials')
    assertError(await attempt(PASSWORD), 429, 'login_throttled')
    const perNode = await Promise.all(client!.nodes('master').map((node) => node.dbsize()))
    assert.ok(perNode.filter((n) => n > 0).length > 1, `keys per node: ${perNode.join(', ')}`)
    assert.deepEqual(t.logger.errors, [], 'no unexpected error (a CROSSSLOT reply would be one)')
  })
})
