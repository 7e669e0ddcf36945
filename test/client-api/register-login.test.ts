/**
 * Client API registration, sign-in, sign-out and the login throttle,
 * through HTTP, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import * as scryptModule from 'scrypt-kdf'
import type { IdentifierKind } from '../../src/model/user.js'
import type { UserRouterEvent } from '../../src/events.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, countUsers, createTestApp, PASSWORD, releaseTestResources } from '../helpers/test-app.js'

const Scrypt = (scryptModule as unknown as { default: { viewParams(key: Buffer): { logN: number; r: number; p: number } } }).default

const TOKEN = /^[A-Za-z0-9_-]{43}$/
const IDENTIFIERS: Record<IdentifierKind, string> = { username: 'Alice_1', email: 'Alice@Example.com', phone: '13800138000' }
const WIRE_FIELD: Record<IdentifierKind, string> = { username: '_username', email: '_email', phone: '_phone' }
const ROUTES: [string, IdentifierKind][] = [
  ['v2.0', 'username'],
  ['v2.0', 'email'],
  ['v2.1', 'username'],
  ['v2.1', 'email'],
  ['v2.1', 'phone'],
]

function assertSignedIn(res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, kind: IdentifierKind, value: string): void {
  assert.equal(res.status, 201, JSON.stringify(res.body))
  assert.match(res.headers['cache-control'] ?? '', /no-store/)
  const body = res.body
  assert.ok(Number.isSafeInteger(body.id) && (body.id as number) > 0)
  assert.equal(body.user_id, body.id)
  assert.equal(body[WIRE_FIELD[kind]], value)
  assert.match(String(body.token), TOKEN)
  assert.equal(body.expires_in, 2592000)
  for (const field of ['_username', '_email', '_email_verified', '_phone', '_phone_verified', '_provider', 'nickname', 'avatar', 'gender', 'created_at', 'updated_at']) {
    assert.ok(field in body, `missing ${field}`)
  }
  assert.equal(typeof body.created_at, 'number')
  assert.ok(!('password' in body) && !('password_hash' in body) && !('passwordHash' in body))
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API register and login (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createTestApp({ backend, options, label: 'register-login' })

    for (const [version, kind] of ROUTES) {
      it(`registers and signs in by ${kind} on ${version}`, async () => {
        const t = await create()
        const value = IDENTIFIERS[kind]
        const registered = await t.request
          .post(`/hserve/${version}/register/${kind}/`)
          .set(CLIENT)
          .send({ [kind]: value, password: PASSWORD })
        assertSignedIn(registered, kind, value)
        // Without the trailing slash too.
        const login = await t.request
          .post(`/hserve/${version}/login/${kind}`)
          .set(CLIENT)
          .send({ [kind]: value, password: PASSWORD })
        assertSignedIn(login, kind, value)
        assert.equal(login.body.id, registered.body.id)
        assert.notEqual(login.body.token, registered.body.token)
        for (const token of [registered.body.token, login.body.token]) {
          const me = await t.request.get(`/hserve/v2.2/user/info/${registered.body.id}/`).set(t.auth(token))
          assert.equal(me.status, 200)
        }
      })
    }

    it('does not serve phone registration or login on v2.0', async () => {
      const t = await create()
      for (const action of ['register', 'login']) {
        const res = await t.request.post(`/hserve/v2.0/${action}/phone/`).set(CLIENT).send({ phone: '13800138000', password: PASSWORD })
        assert.equal(res.status, 404)
      }
    })

    it('refuses taken identifiers, whatever their case or phone notation', async () => {
      const t = await create()
      await t.register('username', 'Alice')
      await t.register('email', 'Bob@Example.com')
      await t.register('phone', '13800138000')
      const cases: [string, Record<string, string>, string][] = [
        ['v2.0/register/username', { username: 'alice' }, 'username_taken'],
        ['v2.1/register/username', { username: 'ALICE' }, 'username_taken'],
        ['v2.0/register/email', { email: 'bob@example.com' }, 'email_taken'],
        ['v2.1/register/email', { email: 'BOB@EXAMPLE.COM' }, 'email_taken'],
        ['v2.1/register/phone', { phone: '+86 138 0013 8000' }, 'phone_taken'],
        ['v2.1/register/phone', { phone: '0086-138-0013-8000' }, 'phone_taken'],
      ]
      for (const [path, identifier, code] of cases) {
        assertError(
          await t.request
            .post(`/hserve/${path}/`)
            .set(CLIENT)
            .send({ ...identifier, password: PASSWORD }),
          400,
          code,
        )
      }
    })

    it('answers 400 naming the field for invalid identifiers, bad types, missing fields and a short password', async () => {
      const t = await create()
      const cases: [string, unknown, string][] = [
        ['v2.0/register/username', { username: 'has space', password: PASSWORD }, 'username'],
        ['v2.0/register/username', { username: 'x'.repeat(65), password: PASSWORD }, 'username'],
        ['v2.0/register/email', { email: 'not-an-email', password: PASSWORD }, 'email'],
        ['v2.1/register/phone', { phone: '12345', password: PASSWORD }, 'phone'],
        ['v2.1/register/phone', { phone: '+0 123 4567 8901', password: PASSWORD }, 'phone'],
        ['v2.1/register/phone', { phone: '1380013800a', password: PASSWORD }, 'phone'],
        ['v2.0/register/username', { username: 42, password: PASSWORD }, 'username'],
        ['v2.0/register/username', { username: 'carol', password: 12345678 }, 'password'],
        ['v2.0/register/email', { email: ['a@b.co'], password: PASSWORD }, 'email'],
        ['v2.0/register/username', { password: PASSWORD }, 'username'],
        ['v2.1/register/phone', { phone: '13800138000' }, 'password'],
        ['v2.0/register/username', { username: 'carol', password: 'short' }, 'password'],
        ['v2.0/register/username', { username: 'carol', password: 'x'.repeat(129) }, 'password'],
        ['v2.0/login/username', { username: 'carol' }, 'password'],
        ['v2.1/login/phone', { password: PASSWORD }, 'phone'],
        ['v2.0/login/email', { email: 7, password: PASSWORD }, 'email'],
      ]
      for (const [path, body, field] of cases) {
        assertError(
          await t.request
            .post(`/hserve/${path}/`)
            .set(CLIENT)
            .send(body as object),
          400,
          'invalid_request',
          field,
        )
      }
      const malformed = await t.request.post('/hserve/v2.0/register/username/').set(CLIENT).set('Content-Type', 'application/json').send('{"username":')
      assertError(malformed, 400, 'invalid_json')
      // Nothing was created by the refused attempts.
      assert.equal(await countUsers(t.store), 0)
    })

    it('answers one 400 invalid_credentials for a wrong password and an unknown user, on every kind', async () => {
      const t = await create()
      await t.register('username', 'dave')
      await t.register('email', 'dave@example.com')
      await t.register('phone', '13900139000')
      const messages = new Set<string>()
      for (const [kind, known, unknown] of [
        ['username', 'dave', 'nobody'],
        ['email', 'dave@example.com', 'nobody@example.com'],
        ['phone', '13900139000', '13700137000'],
      ] as const) {
        const version = kind === 'phone' ? 'v2.1' : 'v2.0'
        const wrong = await t.request
          .post(`/hserve/${version}/login/${kind}/`)
          .set(CLIENT)
          .send({ [kind]: known, password: 'wrong password' })
        const missing = await t.request
          .post(`/hserve/${version}/login/${kind}/`)
          .set(CLIENT)
          .send({ [kind]: unknown, password: PASSWORD })
        for (const res of [wrong, missing]) {
          assertError(res, 400, 'invalid_credentials')
          assert.equal(res.body.details, undefined)
          messages.add(res.body.error_msg)
        }
      }
      assert.equal(messages.size, 1)
      // Identifiers compare case-insensitively and phones in any notation at sign-in.
      await t.login('username', 'DAVE')
      await t.login('email', 'DAVE@example.COM')
      await t.login('phone', '+86 139-0013-9000')
    })

    it('throttles the 11th failure of an account from one IP with 429 and Retry-After, not from another IP', async () => {
      const t = await create()
      t.app.set('trust proxy', true)
      await t.register('username', 'erin')
      const attempt = (ip: string, password: string) => t.request.post('/hserve/v2.0/login/username/').set(CLIENT).set('X-Forwarded-For', ip).send({ username: 'erin', password })
      for (let i = 0; i < 10; i++) assertError(await attempt('203.0.113.7', `wrong ${i}`), 400, 'invalid_credentials')
      for (const password of ['wrong again', PASSWORD]) {
        const throttled = await attempt('203.0.113.7', password)
        assertError(throttled, 429, 'login_throttled')
        const retryAfter = Number(throttled.headers['retry-after'])
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 900, `Retry-After ${throttled.headers['retry-after']}`)
      }
      const elsewhere = await attempt('198.51.100.20', PASSWORD)
      assert.equal(elsewhere.status, 201, JSON.stringify(elsewhere.body))
      // Another account from the throttled IP is not locked either.
      await t.register('username', 'frank')
      assert.equal(
        (await t.request.post('/hserve/v2.0/login/username/').set(CLIENT).set('X-Forwarded-For', '203.0.113.7').send({ username: 'frank', password: PASSWORD })).status,
        201,
      )
    })

    it('counts failures of one phone in any notation together', async () => {
      const t = await create()
      t.app.set('trust proxy', true)
      await t.register('phone', '13600136000')
      const notations = ['13600136000', '+8613600136000', '+86 136 0013 6000', '0086-136-0013-6000', '136 0013 6000']
      const attempt = (phone: string, password: string) => t.request.post('/hserve/v2.1/login/phone/').set(CLIENT).set('X-Forwarded-For', '203.0.113.8').send({ phone, password })
      for (let i = 0; i < 10; i++) assertError(await attempt(notations[i % notations.length]!, 'wrong password'), 400, 'invalid_credentials')
      for (const phone of notations) assertError(await attempt(phone, PASSWORD), 429, 'login_throttled')
    })

    it('answers 401 invalid_client without or with an unknown X-Hydrogen-Client-ID', async () => {
      const t = await create()
      const token = await t.register('username', 'gina')
      const body = { username: 'gina', password: PASSWORD }
      for (const headers of [{}, { 'X-Hydrogen-Client-ID': 'other-client' }, { 'X-Hydrogen-Client-ID': '' }]) {
        assertError(await t.request.post('/hserve/v2.0/register/username/').set(headers).send({ username: 'hank', password: PASSWORD }), 401, 'invalid_client')
        assertError(await t.request.post('/hserve/v2.0/login/username/').set(headers).send(body), 401, 'invalid_client')
        assertError(await t.request.get('/hserve/v2.2/user/info/').set(headers).set('Authorization', `Hydrogen-r1 ${token}`), 401, 'invalid_client')
        assertError(await t.request.post('/hserve/v2.0/session/destroy/').set(headers).set('Authorization', `Hydrogen-r1 ${token}`), 401, 'invalid_client')
      }
      // The token survived the refused logouts.
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status, 200)
    })

    it('gives exactly one 201 to 20 concurrent registrations of one username', async () => {
      const t = await create()
      const names = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'Racer' : i % 3 === 0 ? 'RACER' : 'racer'))
      const answers = await Promise.all(names.map((username) => t.request.post('/hserve/v2.1/register/username/').set(CLIENT).send({ username, password: PASSWORD })))
      assert.deepEqual(answers.map((res) => res.status).sort(), [201, ...Array(19).fill(400)])
      for (const res of answers.filter((r) => r.status === 400)) assertError(res, 400, 'username_taken')
      assert.equal(await countUsers(t.store), 1)
    })

    it('upgrades a hash made with weaker scrypt parameters at the next login', async () => {
      const weak = await create()
      const { id } = await weak.signUp('username', 'ivan')
      const stored = async () => Scrypt.viewParams(Buffer.from((await weak.store.getUserById(id))!.passwordHash!, 'base64'))
      assert.equal((await stored()).logN, 4)
      const strong = await createTestApp({ backend, options: { storage: weak.store, password: { scrypt: { logN: 5 } } } })
      await strong.login('username', 'ivan')
      assert.deepEqual(await stored(), { logN: 5, r: 8, p: 1 })
      // The upgraded hash works on both routers, and a stronger hash is never downgraded.
      await strong.login('username', 'ivan')
      await weak.login('username', 'ivan')
      assert.equal((await stored()).logN, 5)
      assertError(await strong.request.post('/hserve/v2.0/login/username/').set(CLIENT).send({ username: 'ivan', password: 'wrong password' }), 400, 'invalid_credentials')
    })

    it('serves anonymous login only when anonymousLogin is on', async () => {
      const off = await create()
      assert.equal((await off.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).send({})).status, 404)
      const on = await create({ anonymousLogin: true })
      const res = await on.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT).send({})
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.match(res.headers['cache-control'] ?? '', /no-store/)
      assert.match(res.body.token, TOKEN)
      assert.equal(res.body.expires_in, 2592000)
      assert.equal(res.body.user_id, res.body.id)
      assert.equal(res.body._username, null)
      const me = await on.request.get(`/hserve/v2.5/user/info/${res.body.id}/`).set(on.auth(res.body.token))
      assert.equal(me.status, 200)
      assertError(await on.request.post('/hserve/v2.0/login/anonymous/').send({}), 401, 'invalid_client')
    })

    it('logs out with 201 and the MinApp body; the token fails at once, other sessions live on', async () => {
      const t = await create()
      const first = await t.register('username', 'judy')
      const second = await t.login('username', 'judy')
      const res = await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth(first))
      assert.equal(res.status, 201)
      assert.deepEqual(res.body, { message: 'Destroy succeed.', status: 'ok' })
      assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(first)), 401, 'unauthenticated')
      assertError(await t.request.post('/hserve/v2.0/session/destroy').set(t.auth(first)), 401, 'unauthenticated')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(second))).status, 200)
      assertError(await t.request.post('/hserve/v2.0/session/destroy/').set(CLIENT), 401, 'unauthenticated')
      assertError(await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth('x'.repeat(43))), 401, 'unauthenticated')
    })

    it('sends registered, login, login_failed and logout events without passwords or tokens', async () => {
      const events: UserRouterEvent[] = []
      const t = await create({ onEvent: (event: UserRouterEvent) => void events.push(event) })
      const secret = 'very secret password 42'
      const { id, token } = await t.signUp('email', 'kim@example.com', secret)
      const wrong = 'another secret passphrase'
      assertError(await t.request.post('/hserve/v2.0/login/email/').set(CLIENT).send({ email: 'kim@example.com', password: wrong }), 400, 'invalid_credentials')
      const second = await t.login('email', 'kim@example.com', secret)
      const out = await t.request.post('/hserve/v2.0/session/destroy/').set(t.auth(second))
      assert.equal(out.status, 201)
      assert.deepEqual(
        events.map((e) => e.type),
        ['registered', 'login_failed', 'login', 'logout'],
      )
      for (const event of events) {
        assert.equal(event.userId, id)
        assert.equal(event.clientId, 'test-client')
        assert.equal(typeof event.at, 'number')
      }
      assert.equal(events[0]!.method, 'email')
      const serialized = JSON.stringify(events)
      for (const needle of [secret, wrong, token, second, token.slice(0, 16), second.slice(0, 16)]) {
        assert.ok(!serialized.includes(needle), `an event carries a secret: ${serialized}`)
      }
      assert.deepEqual(t.logger.errors, [])
    })
  })
}
