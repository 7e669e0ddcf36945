/**
 * Password reset by e-mail: POST /hserve/v2.0/user/password/reset/, the form at GET
 * .../password/reset/confirm and its POST: who may ask, the cooldown,
 * unverified addresses, `concealUnknownEmails`, a form that does not use the link up, weak
 * passwords, and a reset that revokes every session; on the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { linkIn, pathAndToken, RecordingMailer } from '../helpers/recording-mailer.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type Backend, type TestApp } from '../helpers/test-app.js'

const RESET = '/hserve/v2.0/user/password/reset/'
const CONFIRM = '/hserve/v2.0/user/password/reset/confirm'
const NEW_PASSWORD = 'battery staple 2'
const JSON_ACCEPT = { Accept: 'application/json' }
const HTML_ACCEPT = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

interface ResetApp extends TestApp {
  mailer: RecordingMailer
  events: UserRouterEvent[]
  /** Registers an e-mail account, marks its address verified (unless told not to) and answers its token. */
  account(email: string, verified?: boolean): Promise<{ id: number; token: string }>
  /** Asks for a reset link (asserting 201) and answers the link's path and token. */
  resetLink(email: string): Promise<{ path: string; token: string }>
}

async function createResetApp(backend: Backend, options: Partial<UserRouterOptions> = {}): Promise<ResetApp> {
  const mailer = new RecordingMailer()
  const events: UserRouterEvent[] = []
  const t = await createTestApp({ backend, label: 'reset', options: { mailer, onEvent: (e) => void events.push(e), ...options } })
  return Object.assign(t, {
    mailer,
    events,
    async account(email: string, verified = true) {
      const { id, token } = await t.signUp('email', email)
      if (verified) await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 })
      return { id, token }
    },
    async resetLink(email: string) {
      const res = await t.request.post(RESET).set(CLIENT).send({ email })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.deepEqual(res.body, { status: 'ok' })
      return pathAndToken(linkIn(mailer.last()))
    },
  })
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API password reset (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const loginStatus = async (t: TestApp, email: string, password: string) => (await t.request.post('/hserve/v2.0/login/email/').set(CLIENT).send({ email, password })).status
    const alive = async (t: TestApp, token: string) => (await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token))).status

    it('resets the password through the link once, revoking every session', async () => {
      const t = await createResetApp(backend)
      const { id, token } = await t.account('Reset@Example.com')
      const other = await t.login('email', 'reset@example.com')
      const { path, token: linkToken } = await t.resetLink('reset@EXAMPLE.com')
      assert.equal(t.mailer.last().to, 'Reset@Example.com', 'sent to the address as stored')
      assert.match(path, /^\/hserve\/v2\.0\/user\/password\/reset\/confirm\?token=[A-Za-z0-9_-]{43}$/)

      const weak = await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token: linkToken, password: 'short' })
      assertError(weak, 400, 'invalid_request', 'password')
      const done = await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token: linkToken, password: NEW_PASSWORD })
      assert.equal(done.status, 200, JSON.stringify(done.body))
      assert.deepEqual(done.body, { status: 'ok' })
      for (const session of [token, other]) assert.equal(await alive(t, session), 401)
      assert.equal(await loginStatus(t, 'reset@example.com', PASSWORD), 400)
      assert.equal(await loginStatus(t, 'reset@example.com', NEW_PASSWORD), 201)
      assertError(await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token: linkToken, password: 'third password 3' }), 400, 'invalid_link')
      assertError(await t.request.get(path).set(JSON_ACCEPT), 400, 'invalid_link')
      assert.deepEqual(
        t.events.filter((e) => e.type.startsWith('password_reset')).map((e) => [e.type, e.userId]),
        [
          ['password_reset_requested', id],
          ['password_reset', id],
        ],
      )
    })

    it('serves a form that does not use the link up, and takes its urlencoded post', async () => {
      const t = await createResetApp(backend)
      await t.account('form@example.com')
      const { path, token } = await t.resetLink('form@example.com')
      for (let i = 0; i < 2; i++) {
        const page = await t.request.get(path).set(HTML_ACCEPT)
        assert.equal(page.status, 200)
        assert.equal(page.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        assert.equal(page.headers['cache-control'], 'no-store')
        assert.match(page.text, /<form method="post">/)
        assert.ok(page.text.includes(`name="token" value="${token}"`))
        assert.ok(!/<script|<link|src=/i.test(page.text), 'no script and no external asset')
      }
      const mismatch = await t.request.post(path).set(HTML_ACCEPT).type('form').send({ token, password: NEW_PASSWORD, password_confirmation: 'something else' })
      assert.equal(mismatch.status, 400)
      assert.match(mismatch.text, /两次输入的密码不一致/)
      const short = await t.request.post(path).set(HTML_ACCEPT).type('form').send({ token, password: 'short', password_confirmation: 'short' })
      assert.equal(short.status, 400)
      assert.match(short.text, /密码长度须为 8–128 个字符/)
      const done = await t.request.post(path).set(HTML_ACCEPT).type('form').send({ token, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
      assert.equal(done.status, 200)
      assert.match(done.text, /密码已重置/)
      assert.equal(await loginStatus(t, 'form@example.com', NEW_PASSWORD), 201)
      const reused = await t.request.post(path).set(HTML_ACCEPT).type('form').send({ token, password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
      assert.equal(reused.status, 400)
      assert.match(reused.text, /链接无效/)
      assert.equal((await t.request.get(`${CONFIRM}?token=${token}`).set(HTML_ACCEPT)).status, 400)
    })

    it('answers 400 for a malformed address and 404 for an unknown one', async () => {
      const t = await createResetApp(backend)
      await t.account('unverified@example.com', false)
      assertError(await t.request.post(RESET).set(CLIENT).send({ email: 'not an address' }), 400, 'invalid_request', 'email')
      assertError(await t.request.post(RESET).set(CLIENT).send({}), 400, 'invalid_request', 'email')
      assertError(await t.request.post(RESET).set(CLIENT).send({ email: 'nobody@example.com' }), 404, 'user_not_found')
      assertError(await t.request.post(RESET).send({ email: 'unverified@example.com' }), 401, 'invalid_client')
      assert.equal(t.mailer.sent.length, 0)
    })

    it('sends reset links to unverified addresses too, and the reset verifies the address', async () => {
      const t = await createResetApp(backend)
      const { id } = await t.account('loose@example.com', false)
      const { token } = await t.resetLink('loose@example.com')
      assert.equal((await t.request.post(CONFIRM).send({ token, password: NEW_PASSWORD }).set(JSON_ACCEPT)).status, 200)
      assert.equal(await loginStatus(t, 'loose@example.com', NEW_PASSWORD), 201)
      assert.equal((await t.store.getUserById(id))!.emailVerified, true)
    })

    it('refuses the removed allowUnverifiedReset option at creation', async () => {
      await assert.rejects(createResetApp(backend, { email: { allowUnverifiedReset: true } as never }), /options\.email\.allowUnverifiedReset was removed/)
    })

    it('answers 201 for unknown addresses with concealUnknownEmails, sending nothing, and mails unverified ones', async () => {
      const t = await createResetApp(backend, { email: { concealUnknownEmails: true } })
      await t.account('hidden-unverified@example.com', false)
      await t.account('hidden@example.com')
      for (const email of ['nobody@example.com', 'hidden-unverified@example.com']) {
        const res = await t.request.post(RESET).set(CLIENT).send({ email })
        assert.equal(res.status, 201, JSON.stringify(res.body))
      }
      await t.mailer.waitFor(1)
      assert.equal(t.mailer.last().to, 'hidden-unverified@example.com')
      assert.equal((await t.request.post(RESET).set(CLIENT).send({ email: 'hidden@example.com' })).status, 201)
      await t.mailer.waitFor(2)
      assert.equal(t.mailer.sent.length, 2)
      assert.equal(t.mailer.last().to, 'hidden@example.com')
      // The cooldown holds for every address alike, so it tells nothing either.
      for (const email of ['nobody@example.com', 'hidden@example.com']) assertError(await t.request.post(RESET).set(CLIENT).send({ email }), 400, 'email_rate_limited')
      await t.account('hidden-failing@example.com')
      t.mailer.failing = true
      assert.equal((await t.request.post(RESET).set(CLIENT).send({ email: 'hidden-failing@example.com' })).status, 201, 'a failed send is not told either')
      await t.logger.waitForErrors(1)
      assert.equal(t.logger.errors.length, 1, 'but it is logged')
    })

    it('rate-limits reset mails per address, sharing the slot with verification mails', async () => {
      const t = await createResetApp(backend)
      const { token } = await t.account('busy@example.com', false)
      assert.equal((await t.request.post('/hserve/v2.0/user/email-verify/').set(t.auth(token))).status, 201)
      await t.store.updateUser((await t.store.getUserByIdentifier('email', 'busy@example.com'))!.id, {
        operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }],
        updatedAt: 1,
      })
      const limited = await t.request.post(RESET).set(CLIENT).send({ email: 'BUSY@example.com' })
      assertError(limited, 400, 'email_rate_limited')
      assert.ok(Number(limited.headers['retry-after']) > 0)
      assert.equal(t.mailer.sent.length, 1)
    })

    it('kills outstanding reset links when the password or the address changes', async () => {
      const t = await createResetApp(backend, { email: { cooldownSeconds: 1 } })
      const { token } = await t.account('change@example.com')
      const first = await t.resetLink('change@example.com')
      const put = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ password: PASSWORD, new_password: NEW_PASSWORD })
      assert.equal(put.status, 200, JSON.stringify(put.body))
      assertError(await t.request.get(first.path).set(JSON_ACCEPT), 400, 'invalid_link')
      assertError(await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token: first.token, password: 'another one 3' }), 400, 'invalid_link')

      await new Promise((resolve) => setTimeout(resolve, 1100)) // the cooldown
      const second = await t.resetLink('change@example.com')
      const third = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(token)).send({ email: 'moved@example.com', password: NEW_PASSWORD })
      assert.equal(third.status, 200)
      assertError(await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token: second.token, password: 'another one 3' }), 400, 'invalid_link')
      assert.equal(await loginStatus(t, 'moved@example.com', NEW_PASSWORD), 201)
    })

    it('lets a reset link expire', async () => {
      const t = await createResetApp(backend, { email: { resetTtlSeconds: 1 } })
      await t.account('expire@example.com')
      const { token } = await t.resetLink('expire@example.com')
      t.clock.advance(1.2) // the router's clock: the link's key outlives it in the store
      assertError(await t.request.post(CONFIRM).set(JSON_ACCEPT).send({ token, password: NEW_PASSWORD }), 400, 'invalid_link')
      assert.equal(await loginStatus(t, 'expire@example.com', PASSWORD), 201)
    })
  })
}
