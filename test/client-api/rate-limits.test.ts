/**
 * The `rateLimits` option: registrations and anonymous logins per IP, verification and reset mails
 * per user and per IP, refresh grants per token family. Each refuses with 429, Retry-After and
 * the code `rate_limited` in its API family's error format, before any hash; on the in-memory
 * backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import type { UserRouterEvent } from '../../src/events.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { parseOptions, type UserRouterOptions } from '../../src/options.js'
import { countNewHashes } from '../helpers/hash-checks.js'
import { RecordingMailer } from '../helpers/recording-mailer.js'
import { assertError, backendSkips, BACKENDS, CLIENT, CLIENT_ID, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { assertFailure, assertOAuthError, createPhoneTestApp } from '../phone-api/phone-app.js'

const RESET = '/hserve/v2.0/user/password/reset/'
const VERIFY = '/hserve/v2.0/user/email-verify/'

/** Retry-After of a response, asserted to be within the hour. */
function retryAfter(res: { headers: Record<string, string> }): number {
  const seconds = Number(res.headers['retry-after'])
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600, `Retry-After ${res.headers['retry-after']}`)
  return seconds
}

const skip = await backendSkips()
after(releaseTestResources)

describe('rateLimits option', () => {
  it('is on by default, takes whole numbers, and switches a limit off with false', () => {
    const base = { storage: new MemoryUserStore(), clients: [CLIENT_ID] }
    const limits = parseOptions(base).rateLimits
    for (const value of Object.values(limits)) assert.ok(typeof value === 'number' && value >= 1, JSON.stringify(limits))
    assert.deepEqual(Object.keys(limits).sort(), [
      'anonymousLoginsPerIpPerHour',
      'emailsPerIpPerHour',
      'emailsPerUserPerHour',
      'refreshesPerFamilyPerHour',
      'registrationsPerIpPerHour',
      'signInRedirectsPerIpPerHour',
    ])
    assert.equal(parseOptions({ ...base, rateLimits: { emailsPerIpPerHour: false } }).rateLimits.emailsPerIpPerHour, false)
    for (const wrong of [0, -1, 1.5, true, '10']) {
      assert.throws(() => parseOptions({ ...base, rateLimits: { registrationsPerIpPerHour: wrong as number } }), /options\.rateLimits\.registrationsPerIpPerHour/)
    }
  })
})

for (const backend of BACKENDS) {
  describe(`rate limits (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async (options: Partial<UserRouterOptions>) => {
      const events: UserRouterEvent[] = []
      const mailer = new RecordingMailer()
      const t = await createTestApp({ backend, label: 'rate-limits', options: { mailer, onEvent: (e) => void events.push(e), ...options } })
      t.app.set('trust proxy', true)
      return Object.assign(t, { events, mailer })
    }
    const register = (t: TestApp, username: string, ip: string) =>
      t.request.post('/hserve/v2.1/register/username/').set(CLIENT).set('X-Forwarded-For', ip).send({ username, password: PASSWORD })

    it('refuses registrations past registrationsPerIpPerHour from one IP, before hashing, and not from another IP', async () => {
      const t = await create({ rateLimits: { registrationsPerIpPerHour: 3 } })
      for (let i = 0; i < 3; i++) assert.equal((await register(t, `user${i}`, '203.0.113.1')).status, 201)
      const hashes = countNewHashes()
      try {
        const refused = await register(t, 'user3', '203.0.113.1')
        assertError(refused, 429, 'rate_limited')
        retryAfter(refused)
        assert.equal(hashes.count, 0, 'no hash for a refused registration')
      } finally {
        hashes.restore()
      }
      assert.equal((await register(t, 'user3', '198.51.100.1')).status, 201)
      assert.deepEqual(
        t.events.filter((e) => e.type === 'rate_limited').map((e) => [e.method, e.ip]),
        [['register', '203.0.113.1']],
      )
    })

    it('lets registrations through without limit when the limit is switched off', async () => {
      const t = await create({ rateLimits: { registrationsPerIpPerHour: false } })
      for (let i = 0; i < 12; i++) assert.equal((await register(t, `free${i}`, '203.0.113.2')).status, 201)
    })

    it('refuses anonymous logins past anonymousLoginsPerIpPerHour from one IP', async () => {
      const t = await create({ anonymousLogin: true, rateLimits: { anonymousLoginsPerIpPerHour: 2 } })
      const anonymous = (ip: string) => t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).set('X-Forwarded-For', ip).send({})
      for (let i = 0; i < 2; i++) assert.equal((await anonymous('203.0.113.3')).status, 201)
      const refused = await anonymous('203.0.113.3')
      assertError(refused, 429, 'rate_limited')
      retryAfter(refused)
      assert.equal((await anonymous('198.51.100.3')).status, 201)
    })

    it('counts verification mails per user, whatever address the user has at the time', async () => {
      const t = await create({ rateLimits: { emailsPerUserPerHour: 2 } })
      const token = await t.register('email', 'first@example.com')
      const ask = () => t.request.post(VERIFY).set(t.auth(token)).set('X-Forwarded-For', '203.0.113.4')
      assert.equal((await ask()).status, 201)
      for (const email of ['second@example.com', 'third@example.com']) {
        assert.equal((await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email, password: PASSWORD })).status, 200)
        const res = await ask()
        if (email === 'second@example.com') assert.equal(res.status, 201, JSON.stringify(res.body))
        else {
          assertError(res, 429, 'rate_limited')
          retryAfter(res)
        }
      }
      assert.deepEqual(
        t.mailer.sent.map((m) => m.to),
        ['first@example.com', 'second@example.com'],
      )
    })

    it('counts reset mails per IP over many addresses', async () => {
      const t = await create({ rateLimits: { emailsPerIpPerHour: 2 } })
      for (const name of ['a', 'b', 'c']) await t.register('email', `${name}@example.com`)
      const reset = (email: string, ip: string) => t.request.post(RESET).set(CLIENT).set('X-Forwarded-For', ip).send({ email })
      assert.equal((await reset('a@example.com', '203.0.113.5')).status, 201)
      assert.equal((await reset('b@example.com', '203.0.113.5')).status, 201)
      const refused = await reset('c@example.com', '203.0.113.5')
      assertError(refused, 429, 'rate_limited')
      retryAfter(refused)
      assert.equal((await reset('c@example.com', '198.51.100.5')).status, 201, 'the refused request left the address free to try')
      assert.equal(t.mailer.sent.length, 3)
    })

    it('refuses reset mails past the IP limit for unknown addresses too when they are concealed', async () => {
      const t = await create({ email: { concealUnknownEmails: true }, rateLimits: { emailsPerIpPerHour: 1 } })
      const { id } = await t.signUp('email', 'known@example.com')
      await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
      const reset = (email: string) => t.request.post(RESET).set(CLIENT).set('X-Forwarded-For', '203.0.113.6').send({ email })
      assert.equal((await reset('nobody@example.com')).status, 201)
      for (const email of ['known@example.com', 'other@example.com']) assertError(await reset(email), 429, 'rate_limited')
      assert.equal(t.mailer.sent.length, 0)
    })
    it('drops reset mails past the user limit silently when unknown addresses are concealed', async () => {
      const t = await create({ email: { concealUnknownEmails: true }, rateLimits: { emailsPerUserPerHour: 1 } })
      const { id, token } = await t.signUp('email', 'old@example.com')
      const verify = async () => void (await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 }))
      await verify()
      assert.equal((await t.request.post(RESET).set(CLIENT).send({ email: 'old@example.com' })).status, 201)
      await t.mailer.waitFor(1)
      assert.equal((await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'new@example.com', password: PASSWORD })).status, 200)
      await verify()
      assert.equal((await t.request.post(RESET).set(CLIENT).send({ email: 'new@example.com' })).status, 201, 'the answer tells nothing')
      for (let i = 0; i < 50 && !t.events.some((e) => e.type === 'rate_limited'); i++) await new Promise((resolve) => setTimeout(resolve, 10))
      assert.deepEqual(
        t.events.filter((e) => e.type === 'rate_limited').map((e) => [e.method, e.userId]),
        [['email', id]],
      )
      // The old address got its reset link (and the notice of the change); the new one nothing.
      assert.deepEqual(
        t.mailer.sent.filter((m) => m.to === 'new@example.com'),
        [],
      )
      assert.deepEqual(t.logger.errors, [])
    })
  })

  describe(`rate limits of the phone API and OAuth (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('refuses phone API registrations past registrationsPerIpPerHour, in the phone API format', async () => {
      const t = await createPhoneTestApp(backend, 'rate-limits', { rateLimits: { registrationsPerIpPerHour: 1 } })
      await t.registerPhone('13300133000')
      const phone = '13300133001'
      const res = await t.request.post('/api/v1/users/register').send({ phone, validation_code: await t.codeFor(phone, 1) })
      assertFailure(res, 429, 'rate_limited')
      retryAfter(res)
    })

    it('refuses refresh grants past refreshesPerFamilyPerHour, keeping the family alive', async () => {
      const t = await createPhoneTestApp(backend, 'rate-limits', { rateLimits: { refreshesPerFamilyPerHour: 2 } })
      await t.register('username', 'refresher')
      let pair = await t.passwordGrant('refresher', PASSWORD)
      for (let i = 0; i < 2; i++) {
        const res = await t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string })
        assert.equal(res.status, 200, JSON.stringify(res.body))
        pair = res.body
      }
      const refused = await t.token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token as string })
      assertOAuthError(refused, 429, 'temporarily_unavailable')
      retryAfter(refused)
      const read = await t.request.get('/hserve/v2.2/user/info/').set({ ...CLIENT, Authorization: `Bearer ${String(pair.access_token)}` })
      assert.equal(read.status, 200, 'the family was not revoked')
      // Another family of the same user is counted on its own.
      const other = await t.passwordGrant('refresher', PASSWORD)
      assert.equal((await t.token({ grant_type: 'refresh_token', refresh_token: other.refresh_token as string })).status, 200)
    })
  })
}
