/**
 * POST /hserve/v2.0/user/account/destroy/ and its proofs: the password, an SMS code of purpose
 * `delete` to the verified phone, a mailed link (whose GET only shows a confirmation page) for an
 * account with a verified e-mail and neither, and a recent sign-in for an account with no proof
 * at all. A wrong proof and one the account cannot give are refused, naming what to send;
 * identifiers are free at once and the id is never given again. On the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { linkIn, pathAndToken } from '../helpers/recording-mailer.js'
import { wrongCode } from '../helpers/sms-outbox.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createDeletionApp, DESTROY, type DeletionTestApp } from './deletion-app.js'

const JSON_ACCEPT = { Accept: 'application/json' }
const HTML_ACCEPT = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

const skip = await backendSkips()
after(releaseTestResources)

/** An account with a verified e-mail and no password or phone: an anonymous sign-in given the address. */
async function emailOnlyAccount(t: DeletionTestApp, email: string): Promise<{ id: number; token: string }> {
  const res = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const id = res.body.id as number
  const operations = [
    { kind: 'set', field: INTERNAL_FIELDS.email, value: email },
    { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
    { kind: 'set', field: INTERNAL_FIELDS.anonymous, value: false },
  ] as const
  assert.ok(await t.store.updateUser(id, { operations: [...operations], updatedAt: 1 }))
  return { id, token: res.body.token as string }
}

for (const backend of BACKENDS) {
  describe(`deleting the own account (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('deletes with the password: the token is refused, the row is gone, the username is free for a new id', async () => {
      const t = await createDeletionApp(backend)
      const { id, token } = await t.signUp('username', 'alice')
      const other = await t.login('username', 'alice')
      assertError(await t.destroy(token), 400, 'invalid_request', 'password')
      assertError(await t.destroy(token, { password: 'not the password' }), 400, 'wrong_password', 'password')
      assertError(await t.destroy(token, { code: '123456' }), 400, 'invalid_request', 'password')
      assert.ok(await t.store.getUserById(id), 'nothing is deleted by a refused proof')

      const res = await t.destroy(token, { password: PASSWORD })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.deepEqual(res.body, { status: 'ok' })
      await t.assertGone(id)
      for (const used of [token, other]) assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(used)), 401, 'unauthenticated')
      assert.deepEqual(
        t.events.filter((e) => e.type === 'account_deleted'),
        [{ type: 'account_deleted', userId: id, method: 'self', clientId: 'test-client', ip: t.events.at(-1)?.ip, at: t.events.at(-1)?.at }],
      )
      assert.ok(!JSON.stringify(t.events).includes(PASSWORD), 'no event carries the password')

      const again = await t.signUp('username', 'alice')
      assert.ok(again.id > id, 'a new id, never the deleted one')
    })

    it('counts wrong passwords like failed sign-ins', async () => {
      const t = await createDeletionApp(backend, { loginThrottle: { maxFailuresPerAccount: 2 } })
      const { id, token } = await t.signUp('username', 'bruno')
      for (let i = 0; i < 2; i++) assertError(await t.destroy(token, { password: `wrong ${i}` }), 400, 'wrong_password')
      const throttled = await t.destroy(token, { password: PASSWORD })
      assertError(throttled, 429, 'login_throttled')
      assert.ok(Number(throttled.headers['retry-after']) > 0)
      assert.ok(await t.store.getUserById(id))
    })

    it('deletes with an SMS code of purpose delete sent to the verified phone; the phone is free at once', async () => {
      const t = await createDeletionApp(backend)
      const phone = '13800138001'
      const { id, token } = await t.smsSignUp(phone)
      assertError(await t.destroy(token), 400, 'invalid_request', 'code')
      assertError(await t.destroy(token, { password: PASSWORD }), 400, 'invalid_request', 'code')
      await new Promise((resolve) => setTimeout(resolve, 1100)) // the phone's cooldown (1 second here)
      const sent = await t.request.post(`${DESTROY}code/`).set(t.auth(token))
      assert.equal(sent.status, 201, JSON.stringify(sent.body))
      assert.deepEqual(sent.body, { status: 'ok' })
      const message = t.outbox.sent.at(-1)!
      assert.deepEqual([message.phone, message.purpose], [phone, 'delete'])
      assertError(await t.request.post(`${DESTROY}code/`).set(t.auth(token)), 400, 'sms_rate_limited')
      assertError(await t.destroy(token, { code: wrongCode(message.code) }), 400, 'invalid_code', 'code')
      assert.ok(await t.store.getUserById(id))

      const res = await t.destroy(token, { code: message.code })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      await t.assertGone(id)
      assert.ok(!JSON.stringify(t.events).includes(message.code), 'no event carries the code')
      const again = await t.smsSignUp(phone)
      assert.ok(again.id > id)
    })

    it('lets an account with a password and a verified phone send either, naming both when it sends none', async () => {
      const t = await createDeletionApp(backend)
      const phone = '13800138004'
      const { id, token } = await t.smsSignUp(phone)
      const set = await t.request.put('/hserve/v2.2/user/account/').set(t.auth(token)).send({ new_password: 'a new password 7' })
      assert.equal(set.status, 200, JSON.stringify(set.body))
      const none = await t.destroy(token)
      assertError(none, 400, 'invalid_request', 'password')
      assertError(none, 400, 'invalid_request', 'code')
      await new Promise((resolve) => setTimeout(resolve, 1100)) // the phone's cooldown (1 second here)
      assert.equal((await t.request.post(`${DESTROY}code/`).set(t.auth(token))).status, 201)
      assertError(await t.destroy(token, { password: 'a new password 7', code: t.outbox.lastCode(phone) }), 400, 'invalid_request', 'code')
      const res = await t.destroy(token, { code: t.outbox.lastCode(phone) })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      await t.assertGone(id)
    })

    it('does not send a deletion code to an account without a verified phone', async () => {
      const t = await createDeletionApp(backend)
      const { token } = await t.signUp('phone', '13800138002')
      assertError(await t.request.post(`${DESTROY}code/`).set(t.auth(token)), 400, 'invalid_request', 'password')
      assert.equal(t.outbox.sent.length, 0)
      assertError(await t.destroy(token, { code: '123456' }), 400, 'invalid_request', 'password')
    })

    it('deletes through a mailed link: its GET shows a confirmation page and deletes nothing, its POST deletes', async () => {
      const t = await createDeletionApp(backend)
      const email = 'only-mail@example.com'
      const { id, token } = await emailOnlyAccount(t, email)
      const needsLink = await t.destroy(token)
      assertError(needsLink, 400, 'invalid_request')
      assert.match(needsLink.body.error_msg, /link/)
      const asked = await t.request.post(`${DESTROY}email/`).set(t.auth(token))
      assert.equal(asked.status, 201, JSON.stringify(asked.body))
      const mail = t.mailer.last()
      assert.equal(mail.to, email)
      const { path, token: linkToken } = pathAndToken(linkIn(mail))
      assert.match(path, /^\/hserve\/v2\.0\/user\/account\/destroy\/email\/confirm\?token=[A-Za-z0-9_-]{43}$/)

      const page = await t.request.get(path).set(HTML_ACCEPT)
      assert.equal(page.status, 200)
      assert.match(page.headers['content-type'] ?? '', /text\/html/)
      assert.match(page.text, /<form method="post">/)
      assert.ok(page.text.includes(`value="${linkToken}"`))
      assert.equal((await t.request.get(path).set(JSON_ACCEPT)).status, 200)
      assert.ok(await t.store.getUserById(id), 'opening the link deletes nothing')

      const done = await t.request.post(path).type('form').send({ token: linkToken }).set(HTML_ACCEPT)
      assert.equal(done.status, 200, done.text)
      assert.match(done.text, /Account deleted/)
      await t.assertGone(id)
      assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token)), 401, 'unauthenticated')
      assertError(await t.request.post(path).set(JSON_ACCEPT).send({}), 400, 'invalid_link')
      assert.equal((await t.request.get(path).set(HTML_ACCEPT)).status, 400)
      assert.ok(!JSON.stringify(t.events).includes(linkToken), 'no event carries the link')
      assert.deepEqual(
        t.events.filter((e) => e.type === 'account_deleted').map((e) => [e.userId, e.method]),
        [[id, 'self']],
      )
    })

    it('voids a deletion link once the account has a password, and mails no link to an account with one', async () => {
      const t = await createDeletionApp(backend)
      const { id, token } = await emailOnlyAccount(t, 'later@example.com')
      assert.equal((await t.request.post(`${DESTROY}email/`).set(t.auth(token))).status, 201)
      const { path } = pathAndToken(linkIn(t.mailer.last()))
      const set = await t.request.put('/hserve/v2.2/user/account/').set(t.auth(token)).send({ new_password: 'a new password 7' })
      assert.equal(set.status, 200, JSON.stringify(set.body))
      assertError(await t.request.post(path).set(JSON_ACCEPT).send({}), 400, 'invalid_link')
      assert.ok(await t.store.getUserById(id))
      assertError(await t.request.post(`${DESTROY}email/`).set(t.auth(token)), 400, 'invalid_request', 'password')
    })

    it('deletes an account with no password and no verified contact on a recent sign-in only', async () => {
      const t = await createDeletionApp(backend, { recentSignInSeconds: 60 })
      const old = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      assert.equal(old.status, 201)
      t.clock.advance(61)
      const stale = await t.destroy(old.body.token)
      assertError(stale, 400, 'invalid_request')
      assert.match(stale.body.error_msg, /sign in again/)
      assertError(await t.destroy(old.body.token, { password: PASSWORD }), 400, 'invalid_request')
      assert.ok(await t.store.getUserById(old.body.id))

      const fresh = await t.request.post('/hserve/v2.0/login/anonymous/').set(CLIENT)
      const res = await t.destroy(fresh.body.token)
      assert.equal(res.status, 201, JSON.stringify(res.body))
      await t.assertGone(fresh.body.id)
    })

    it('refuses an OAuth access token as a recent sign-in', async () => {
      const t = await createDeletionApp(backend)
      const phone = '13800138003'
      const grant = await t.passwordGrant(phone, await t.registerPhone(phone))
      const user = await t.store.getUserByIdentifier('phone', phone)
      // Without a verified phone the account has no proof but a recent sign-in.
      await t.store.updateUser(user!.id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: false }], updatedAt: 1 })
      assertError(await t.destroy(grant.access_token as string), 400, 'invalid_request')
      assert.ok(await t.store.getUserById(user!.id))
    })
  })
}
