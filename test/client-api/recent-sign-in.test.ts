/**
 * A recent sign-in stands in for the current password when the e-mail or phone changes, since the
 * MinApp SDK's setEmail and setMobilePhone cannot send one: a client API token whose sign-in is at
 * most `recentSignInSeconds` old (default 300) changes them without it. An older token, an OAuth
 * access token (refreshed, so its age says nothing of the sign-in) and any token under
 * `recentSignInSeconds: 0` still need it, and so does every password change. The clock is moved
 * with the test runner's mocked Date. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it, type TestContext } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/create-user-router.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import type { UserRouterOptions } from '../../src/options.js'
import { RecordingMailer } from '../helpers/recording-mailer.js'
import { assertError, backendSkips, BACKENDS, CLIENT, CLIENT_ID, closeTestApps, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { createPhoneTestApp } from '../phone-api/phone-app.js'

const ACCOUNT = '/hserve/v2.2/user/account/'

const skip = await backendSkips()
after(releaseTestResources)

/** Freezes the router's clock at a whole second; `move(seconds)` then moves it on. */
function mockClock(t: TestContext): { move(seconds: number): void } {
  t.mock.timers.enable({ apis: ['Date'], now: Math.floor(Date.now() / 1000) * 1000 })
  return { move: (seconds) => t.mock.timers.tick(seconds * 1000) }
}

for (const backend of BACKENDS) {
  describe(`a recent sign-in instead of the password for an e-mail or phone change (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const mailer = new RecordingMailer()
      const t = await createPhoneTestApp(backend, 'recent-sign-in', { mailer, ...options })
      return Object.assign(t, { mailer })
    }
    const put = (t: TestApp, token: string, body: Record<string, unknown>) => t.request.put(ACCOUNT).set(t.auth(token)).send(body)

    it('lets a fresh sign-in change the e-mail and the phone without the password, and still tells the old verified address', async () => {
      const t = await create({ email: { language: 'en' } })
      const { id, token } = await t.signUp('email', 'old@example.com')
      assert.ok(await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 }))
      const phone = await put(t, token, { phone: '13900139000' })
      assert.equal(phone.status, 200, JSON.stringify(phone.body))
      assert.deepEqual([phone.body.phone, phone.body.phone_verified], ['13900139000', false])
      await t.mailer.waitFor(1)
      assert.equal(t.mailer.last().to, 'old@example.com')
      const email = await put(t, token, { email: 'new@example.com' })
      assert.equal(email.status, 200, JSON.stringify(email.body))
      assert.deepEqual([email.body.email, email.body.email_verified], ['new@example.com', false])
      await t.mailer.waitFor(2)
      assert.equal(t.mailer.last().to, 'old@example.com', 'the old address is told, not the new one')
    })

    it('lets a password sign-in change them too, and checks a password that is given anyway', async () => {
      const t = await create()
      await t.signUp('username', 'bob')
      const token = await t.login('username', 'bob')
      assertError(await put(t, token, { email: 'bob@example.com', password: 'not the password' }), 400, 'wrong_password', 'password')
      const res = await put(t, token, { email: 'bob@example.com', phone: '13700137000' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual([res.body.email, res.body.phone], ['bob@example.com', '13700137000'])
    })

    it('asks the password once the sign-in of the session is older than the window, and not for a new sign-in', async (c) => {
      const clock = mockClock(c)
      const t = await create({ recentSignInSeconds: 60 })
      const { id, token } = await t.signUp('username', 'carol')
      clock.move(60)
      assert.equal((await put(t, token, { email: 'carol@example.com' })).status, 200, 'at most 60 seconds old')
      clock.move(1)
      assertError(await put(t, token, { email: 'carol2@example.com' }), 400, 'invalid_request', 'password')
      assertError(await put(t, token, { phone: '13600136000' }), 400, 'invalid_request', 'password')
      assertError(await put(t, token, { phone: '13600136000', password: 'not the password' }), 400, 'wrong_password', 'password')
      assert.deepEqual([(await t.store.getUserById(id))!.email, (await t.store.getUserById(id))!.phone], ['carol@example.com', null], 'nothing changed')
      assert.equal((await put(t, token, { phone: '13600136000', password: PASSWORD })).status, 200)
      const fresh = await t.login('username', 'carol')
      assert.equal((await put(t, fresh, { email: 'carol2@example.com' })).status, 200, 'a new sign-in is fresh again')
    })

    it('uses 300 seconds by default', async (c) => {
      const clock = mockClock(c)
      const t = await create()
      const { token } = await t.signUp('username', 'dan')
      clock.move(300)
      assert.equal((await put(t, token, { email: 'dan@example.com' })).status, 200)
      clock.move(1)
      assertError(await put(t, token, { email: 'dan2@example.com' }), 400, 'invalid_request', 'password')
    })

    it('asks the password of an OAuth access token even right after the sign-in', async () => {
      const t = await create()
      await t.signUp('username', 'dave')
      const grant = await t.passwordGrant('dave', PASSWORD)
      const access = grant.access_token as string
      assertError(await put(t, access, { email: 'dave@example.com' }), 400, 'invalid_request', 'password')
      assertError(await put(t, access, { phone: '13500135000' }), 400, 'invalid_request', 'password')
      const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: grant.refresh_token as string })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      assertError(await put(t, refreshed.body.access_token as string, { email: 'dave@example.com' }), 400, 'invalid_request', 'password')
      assert.equal((await put(t, access, { email: 'dave@example.com', password: PASSWORD })).status, 200)
    })

    it('asks the password always under recentSignInSeconds: 0', async () => {
      const t = await create({ recentSignInSeconds: 0 })
      const { token } = await t.signUp('username', 'erin')
      assertError(await put(t, token, { email: 'erin@example.com' }), 400, 'invalid_request', 'password')
      assertError(await put(t, token, { phone: '13400134000' }), 400, 'invalid_request', 'password')
      assert.equal((await put(t, token, { email: 'erin@example.com', phone: '13400134000', password: PASSWORD })).status, 200)
    })

    it('asks an account without a password for a recent sign-in before its first password or a new contact: an old token alone cannot take it over', async (c) => {
      const clock = mockClock(c)
      const t = await create({ recentSignInSeconds: 60, anonymousLogin: true })
      const anonymous = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      assert.equal(anonymous.status, 201, JSON.stringify(anonymous.body))
      const token = anonymous.body.token as string
      clock.move(61)
      assertError(await put(t, token, { username: 'mallory', new_password: 'a new password 7' }), 403, 'recent_sign_in_required')
      assertError(await put(t, token, { email: 'mallory@example.com' }), 403, 'recent_sign_in_required')
      const user = await t.store.getUserById(anonymous.body.id as number)
      assert.deepEqual([user!.username, user!.email, user!.passwordHash], [null, null, null], 'nothing changed')
      const fresh = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      assert.equal((await put(t, fresh.body.token as string, { username: 'owner', new_password: 'a new password 7' })).status, 200, 'a fresh sign-in sets it')

      // The phone API: its access token is as old as its family's sign-in, however recently refreshed.
      const grant = await t.passwordGrant('13300133000', await t.registerPhone('13300133000'))
      clock.move(61)
      const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: grant.refresh_token as string })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      const late = await t.request
        .put('/api/v1/users/update')
        .set('Authorization', `Bearer ${String(refreshed.body.access_token)}`)
        .send({ name: 'mallory', password: 'a new password 7', password_confirmation: 'a new password 7' })
      assert.equal(late.status, 403, JSON.stringify(late.body))
      assert.equal((await t.store.getUserByIdentifier('phone', '13300133000'))!.passwordHash, null, 'no password was set')
    })

    it('asks the current password for a password change, however fresh the sign-in', async () => {
      const t = await create()
      const { token } = await t.signUp('username', 'frank')
      assertError(await put(t, token, { new_password: 'a new password 7' }), 400, 'invalid_request', 'password')
      assertError(await put(t, token, { email: 'frank@example.com', new_password: 'a new password 7' }), 400, 'invalid_request', 'password')
      assert.equal((await t.store.getUserByIdentifier('username', 'frank'))!.email, null, 'nothing changed')
    })
  })
}

describe('the recentSignInSeconds option', () => {
  const base = (): UserRouterOptions => ({ storage: new MemoryUserStore(), clients: [CLIENT_ID], logger: { warn() {}, error() {} } })
  it('takes whole seconds from 0 (no exemption) to 86400', async () => {
    for (const recentSignInSeconds of [0, 1, 600, 86_400]) await createUserRouter({ ...base(), recentSignInSeconds }).close()
  })
  it('refuses other values, naming the option', () => {
    for (const recentSignInSeconds of [-1, 1.5, 86_401, '300']) {
      assert.throws(
        () => createUserRouter({ ...base(), recentSignInSeconds } as unknown as UserRouterOptions),
        (error: Error) => error instanceof TypeError && /^createUserRouter: options\.recentSignInSeconds must be /.test(error.message),
        JSON.stringify(recentSignInSeconds),
      )
    }
  })
})
