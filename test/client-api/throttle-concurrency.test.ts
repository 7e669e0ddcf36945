/**
 * The login throttle under concurrency: of a burst of wrong secrets for one account from one IP
 * (or for many accounts from one IP), at most the limit is checked, whatever the number sent at
 * once; the rest are refused with 429 and Retry-After before any hash. Client API logins, the
 * current password of the account route, the admin sign-in, the OAuth password grant, OAuth
 * client secrets and SMS codes, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, beforeEach, describe, it } from 'node:test'
import type { UserRouterOptions } from '../../src/options.js'
import { countHashChecks, type HashCheckCounter } from '../helpers/hash-checks.js'
import { createSmsTestApp } from '../helpers/sms-app.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { SESSION_SECRET } from '../admin-api/admin-app.js'
import { assertOAuthError, basic, createPhoneTestApp, OAUTH_CLIENT } from '../phone-api/phone-app.js'

const BURST = 150
const ATTACKER = '203.0.113.66'

type Answer = { status: number; headers: Record<string, string>; body: Record<string, unknown> }

/** Sends `BURST` requests at once and answers them all. */
async function burst(send: (i: number) => PromiseLike<unknown>): Promise<Answer[]> {
  return (await Promise.all(Array.from({ length: BURST }, (_, i) => send(i)))) as Answer[]
}

/** Asserts every refused answer carries a Retry-After within the window; answers the counts by status. */
function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const res of answers) {
    counts[res.status] = (counts[res.status] ?? 0) + 1
    if (res.status === 429) {
      const retryAfter = Number(res.headers['retry-after'])
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900, `Retry-After ${res.headers['retry-after']}`)
    }
  }
  return counts
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`login throttle under concurrency (${backend})`, { skip: skip[backend] }, () => {
    let hashes: HashCheckCounter
    beforeEach(() => {
      hashes = countHashChecks()
    })
    afterEach(async () => {
      hashes.restore()
      await closeTestApps()
    })
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const t = await createTestApp({ backend, label: 'throttle-burst', options })
      t.app.set('trust proxy', true)
      return t
    }
    const login = (t: TestApp, username: string, password: string, ip = ATTACKER) =>
      t.request.post('/hserve/v2.0/login/username/').set(CLIENT).set('X-Forwarded-For', ip).send({ username, password })

    it(`checks at most 10 of ${BURST} parallel wrong passwords for one account from one IP, refusing the rest with 429`, async () => {
      const t = await create()
      await t.register('username', 'target')
      const before = hashes.count
      const counts = tally(await burst((i) => login(t, 'target', `wrong ${i}`)))
      assert.ok(hashes.count - before <= 10, `${hashes.count - before} hashes checked`)
      assert.deepEqual(counts, { 400: 10, 429: BURST - 10 })
      assertError(await login(t, 'target', PASSWORD), 429, 'login_throttled')
      assert.equal((await login(t, 'target', PASSWORD, '198.51.100.7')).status, 201, 'the owner signs in from elsewhere')
    })

    it(`checks at most maxFailuresPerIp of ${BURST} parallel wrong logins over as many accounts from one IP`, async () => {
      const t = await create({ loginThrottle: { maxFailuresPerIp: 25 } })
      await t.register('username', 'known')
      const before = hashes.count
      const counts = tally(await burst((i) => login(t, i === 0 ? 'known' : `nobody${i}`, `wrong ${i}`)))
      assert.ok(hashes.count - before <= 25, `${hashes.count - before} hashes checked`)
      assert.deepEqual(counts, { 400: 25, 429: BURST - 25 })
      assertError(await login(t, 'known', PASSWORD), 429, 'login_throttled')
    })

    it('gives the IP its reservation back on every success: sign-ins past the IP limit still work', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerIp: 3 } })
      await t.register('username', 'regular')
      for (let i = 0; i < 10; i++) assert.equal((await login(t, 'regular', PASSWORD)).status, 201, `sign-in ${i}`)
      for (let i = 0; i < 3; i++) assertError(await login(t, 'regular', `wrong ${i}`), 400, 'invalid_credentials')
      assertError(await login(t, 'regular', PASSWORD), 429, 'login_throttled')
    })

    it(`checks at most 10 of ${BURST} parallel wrong current passwords sent with one token`, async () => {
      const t = await create()
      const token = await t.register('username', 'holder')
      const before = hashes.count
      const answers = await burst((i) =>
        t.request
          .put('/hserve/v2.1/user/account/')
          .set(t.auth(token))
          .set('X-Forwarded-For', ATTACKER)
          .send({ password: `wrong ${i}`, new_password: 'battery staple 2' }),
      )
      assert.ok(hashes.count - before <= 10, `${hashes.count - before} hashes checked`)
      assert.deepEqual(tally(answers), { 400: 10, 429: BURST - 10 })
      assert.equal((await login(t, 'holder', PASSWORD, '198.51.100.7')).status, 201, 'the password did not change')
    })

    it(`checks at most 10 of ${BURST} parallel wrong admin passwords`, async () => {
      const t = await create({ admin: { authorize: (user) => user.username === 'root' }, sessionSecret: SESSION_SECRET })
      await t.register('username', 'root')
      const before = hashes.count
      const answers = await burst((i) =>
        t.request
          .post('/userve/v1/login/')
          .set('X-Forwarded-For', ATTACKER)
          .send({ username: 'root', password: `guess ${i}` }),
      )
      assert.ok(hashes.count - before <= 10, `${hashes.count - before} hashes checked`)
      assert.deepEqual(tally(answers), { 400: 10, 429: BURST - 10 })
    })
  })

  describe(`OAuth and SMS secrets under concurrency (${backend})`, { skip: skip[backend] }, () => {
    let hashes: HashCheckCounter
    beforeEach(() => {
      hashes = countHashChecks()
    })
    afterEach(async () => {
      hashes.restore()
      await closeTestApps()
    })

    it(`checks at most 10 of ${BURST} parallel wrong passwords of the OAuth password grant`, async () => {
      const t = await createPhoneTestApp(backend, 'throttle-burst')
      await t.register('email', 'owner@example.com')
      const before = hashes.count
      const answers = await burst((i) => t.token({ grant_type: 'password', username: 'owner@example.com', password: `wrong ${i}` }))
      assert.ok(hashes.count - before <= 10, `${hashes.count - before} hashes checked`)
      assert.deepEqual(tally(answers), { 400: 10, 429: BURST - 10 })
      assertOAuthError(answers.find((res) => res.status === 429)!, 429, 'temporarily_unavailable')
    })

    it(`answers at most 10 of ${BURST} parallel wrong client secrets, and serves ${BURST} parallel right ones`, async () => {
      const t = await createPhoneTestApp(backend, 'throttle-burst')
      const revoke = (secret: string) =>
        t.request
          .post('/oauth/revoke')
          .set('Authorization', basic({ id: OAUTH_CLIENT.id, secret }))
          .type('form')
          .send({ token: 'not a token' })
      // Right secrets are never held back by each other: an app's server sends many requests at once.
      assert.deepEqual(tally(await burst(() => revoke(OAUTH_CLIENT.secret))), { 200: BURST })
      const answers = await burst((i) => revoke(`wrong secret ${i}`))
      assert.deepEqual(tally(answers), { 401: 10, 429: BURST - 10 })
      assert.equal((await revoke(OAUTH_CLIENT.secret)).status, 429, 'a right secret after the limit is refused too')
    })

    it(`checks at most 10 of ${BURST} parallel wrong SMS codes for one phone from one IP`, async () => {
      const t = await createSmsTestApp(backend, 'throttle-burst')
      const phone = '13700137000'
      assert.equal((await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })).status, 200)
      const right = t.outbox.lastCode(phone)
      const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0')
      const answers = await burst((i) =>
        t.request
          .post('/hserve/v2.1/login/sms/')
          .set(CLIENT)
          .send({ phone, code: wrong(i) }),
      )
      assert.deepEqual(tally(answers), { 400: 10, 429: BURST - 10 })
    })
  })
}
