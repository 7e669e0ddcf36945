/**
 * Changing the e-mail or the phone of an account with a password needs the current password (as a
 * password change does), under the login throttle, unless the session's sign-in is recent (see
 * recent-sign-in.test.ts); operators (admin API) are exempt. The old
 * verified address is told by mail after the change. On the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import type { UserRouterOptions } from '../../src/options.js'
import { RecordingMailer } from '../helpers/recording-mailer.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, PASSWORD, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { createAdminApp } from '../admin-api/admin-app.js'

const ACCOUNT = '/hserve/v2.1/user/account/'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`changing the e-mail or phone needs the current password (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const mailer = new RecordingMailer()
      const t = await createTestApp({ backend, label: 'identifier-change', options: { mailer, ...options } })
      return Object.assign(t, { mailer })
    }
    const put = (t: TestApp, token: string, body: Record<string, unknown>) => t.request.put(ACCOUNT).set(t.auth(token)).send(body)
    const verifyEmail = async (t: TestApp, id: number) => {
      assert.ok(await t.store.updateUser(id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true }], updatedAt: 1 }))
    }

    for (const [kind, value] of [
      ['email', 'new@example.com'],
      ['phone', '13900139000'],
    ] as const) {
      it(`asks the current password to change the ${kind} once the sign-in is no longer recent`, async (c) => {
        c.mock.timers.enable({ apis: ['Date'], now: Date.now() })
        const t = await create()
        const { id, token } = await t.signUp('username', 'alice')
        // Past the 300 seconds in which a fresh sign-in stands in for the password.
        c.mock.timers.tick(301_000)
        assertError(await put(t, token, { [kind]: value }), 400, 'invalid_request', 'password')
        assertError(await put(t, token, { [kind]: value, password: 'not the password' }), 400, 'wrong_password', 'password')
        assert.equal((await t.store.getUserById(id))![kind], null, 'nothing changed')
        const res = await put(t, token, { [kind]: value, password: PASSWORD })
        assert.equal(res.status, 200, JSON.stringify(res.body))
        assert.equal(res.body[kind], value)
        // Clearing it again is a change too.
        assertError(await put(t, token, { [kind]: null }), 400, 'invalid_request', 'password')
        assert.equal((await put(t, token, { [kind]: null, password: PASSWORD })).status, 200)
      })
    }

    it('counts wrong current passwords like failed logins: past the limit 429', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerAccount: 3 } })
      const { token } = await t.signUp('username', 'bob')
      for (let i = 0; i < 3; i++) assertError(await put(t, token, { email: 'bob@example.com', password: `guess ${i}` }), 400, 'wrong_password')
      assertError(await put(t, token, { email: 'bob@example.com', password: PASSWORD }), 429, 'login_throttled')
    })

    it('lets an account without a password change them without one, and a username change needs none', async () => {
      const t = await create({ anonymousLogin: true })
      const { token } = await t.signUp('username', 'carol')
      assert.equal((await put(t, token, { username: 'carol_2' })).status, 200)
      const anonymous = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      assert.equal(anonymous.status, 201)
      assert.equal((await put(t, anonymous.body.token as string, { email: 'anon@example.com', phone: '13500135000' })).status, 200)
    })

    it('leaves operators free to change them without a password', async () => {
      const a = await createAdminApp(backend, 'identifier-change-admin')
      const cookie = await a.signInAdmin()
      const { id } = await a.signUp('username', 'dave')
      const res = await a.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', cookie).send({ email: 'dave@example.com', phone: '13700137000' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
    })

    it('mails a notice to the old verified address after an e-mail change, and to the verified e-mail after a phone change', async () => {
      const t = await create({ email: { language: 'en', appName: 'Demo' } })
      const { id, token } = await t.signUp('email', 'Old@Example.com')
      await verifyEmail(t, id)
      assert.equal((await put(t, token, { phone: '13800138000', password: PASSWORD })).status, 200)
      await t.mailer.waitFor(1)
      assert.equal(t.mailer.last().to, 'Old@Example.com')
      assert.match(t.mailer.last().subject, /Demo/)
      assert.match(t.mailer.last().text, /phone/i)
      assert.equal((await put(t, token, { email: 'new@example.com', password: PASSWORD })).status, 200)
      await t.mailer.waitFor(2)
      const notice = t.mailer.last()
      assert.equal(notice.to, 'Old@Example.com', 'the old address is told, not the new one')
      assert.match(notice.text, /e-mail/i)
      assert.ok(!/https?:\/\//.test(notice.text), 'a notice carries no link')
      // The new address is unverified: a change from it tells nobody.
      assert.equal((await put(t, token, { email: 'newer@example.com', password: PASSWORD })).status, 200)
      // A notice is decided before the answer and its send started then (no I/O before the mailer):
      // one pass of the event loop after the answer, any third mail would have reached the mailer.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(t.mailer.sent.length, 2)
    })

    it('uses email.templates.accountChanged, and a failed notice never fails the change', async () => {
      const seen: unknown[] = []
      const t = await create({
        email: {
          templates: {
            accountChanged: (input) => {
              seen.push(input)
              return { subject: 'changed', text: `changed: ${input.changed.join(',')}`, html: '<p>changed</p>' }
            },
          },
        },
      })
      const { id, token } = await t.signUp('email', 'eve@example.com')
      await verifyEmail(t, id)
      assert.equal((await put(t, token, { email: 'eve2@example.com', phone: '13600136000', password: PASSWORD })).status, 200)
      await t.mailer.waitFor(1)
      assert.deepEqual([t.mailer.last().to, t.mailer.last().text], ['eve@example.com', 'changed: email,phone'])
      assert.deepEqual(seen, [{ appName: '', language: 'zh', changed: ['email', 'phone'] }])

      await verifyEmail(t, id)
      t.mailer.failing = true
      const res = await put(t, token, { email: 'eve3@example.com', password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.email, 'eve3@example.com')
      await t.logger.waitForErrors(1)
      assert.ok(t.logger.errors.length >= 1, 'the failure is logged')
    })
  })
}
