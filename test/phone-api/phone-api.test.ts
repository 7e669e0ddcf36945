/**
 * The phone API (`/api/v1/users/...`) through HTTP, on the in-memory backend and on
 * PostgreSQL + Redis: its whole flow, and every failure answering `{"result": 0, "error"}`.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, countUsers, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { wrongCode } from '../helpers/sms-outbox.js'
import { assertFailure, createPhoneTestApp } from './phone-app.js'

const PHONE = '13812345678'
const NEW_PASSWORD = 'another good one 2'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`phone API (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options = {}) => createPhoneTestApp(backend, 'phone-api', options)
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

    it('walks the whole flow: code, register, token with the login code, name and password, then sign-in by name, phone and code', async () => {
      const t = await create()
      const loginCode = await t.registerPhone(PHONE)
      assert.match(loginCode, /^[A-Za-z0-9_-]{43}$/)
      const first = await t.passwordGrant(PHONE, loginCode)
      const update = await t.request
        .put('/api/v1/users/update')
        .set(bearer(first.access_token as string))
        .send({ name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD })
      assert.deepEqual([update.status, update.body], [200, { result: 1 }])

      const byName = await t.passwordGrant('GYB', PASSWORD)
      const byPhone = await t.passwordGrant('+86 138 1234 5678', PASSWORD)
      const me = await t.request
        .get('/hserve/v2.2/user/info/')
        .set(t.auth(byName.access_token as string))
        .query({ where: JSON.stringify({ _username: 'gyb' }) })
      assert.equal(me.status, 200, JSON.stringify(me.body))
      const user = me.body.objects[0]
      assert.deepEqual([user._phone, user._phone_verified, user._username], [PHONE, true, 'gyb'])
      assert.notEqual(byName.access_token, byPhone.access_token)

      const login = await t.request.post('/api/v1/users/login').send({ phone: PHONE, validation_code: Number(await t.codeFor(PHONE, 2)) })
      assert.equal(login.status, 200, JSON.stringify(login.body))
      assert.match(login.headers['cache-control'] ?? '', /no-store/)
      await t.passwordGrant(PHONE, login.body.oauth_login_code)
      assert.equal(await countUsers(t.store), 1)
      assert.deepEqual(
        t.events.filter((e) => e.type === 'registered' || e.type === 'login').map((e) => [e.type, e.method]),
        [
          ['registered', 'sms'],
          ['login', 'oauth_login_code'],
          ['login', 'oauth'],
          ['login', 'oauth'],
          ['login', 'oauth_login_code'],
        ],
      )
      const secrets = [loginCode, login.body.oauth_login_code, first.access_token, first.refresh_token, PASSWORD, ...t.outbox.sent.map((m) => m.code)]
      const logged = JSON.stringify([t.events, t.logger.warnings, t.logger.errors])
      for (const secret of secrets) assert.ok(!logged.includes(secret as string), 'a secret reached the events or logs')
    })

    it('refuses codes the phone API rules out: a register code for a registered phone, login and reset codes for an unknown one', async () => {
      const t = await create()
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 2 }), 404, 'user_not_found')
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 3 }), 404, 'user_not_found')
      await t.registerPhone(PHONE)
      await sleep(1100)
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 1 }), 400, 'phone_taken')
      assert.equal(t.outbox.sent.length, 1)
    })

    it('names the field of a malformed code request, and limits codes to one a minute per phone', async () => {
      const t = await create({ smsCodes: {} })
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ type: 1 }), 400, 'invalid_request', 'phone')
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE }), 400, 'invalid_request', 'type')
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 4 }), 400, 'invalid_request', 'type')
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: '12345', type: 1 }), 400, 'invalid_request', 'phone')
      assertFailure(await t.request.get('/api/v1/users/validation_code?phone=13812345678&phone=13812345679&type=1'), 400, 'invalid_request', 'phone')
      const first = await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 1 })
      assert.deepEqual(first.body, { result: 1 })
      const again = await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 1 })
      assertFailure(again, 400, 'sms_rate_limited')
      assert.ok(Number(again.headers['retry-after']) >= 50, again.headers['retry-after'])
      assert.equal(t.outbox.sent.length, 1)
    })

    it('refuses a wrong code, a code of another purpose, and an expired code, creating nobody', async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1, ttlSeconds: 1 } })
      const code = await t.codeFor(PHONE, 1)
      assertFailure(await t.request.post('/api/v1/users/register').send({ phone: PHONE, validation_code: wrongCode(code) }), 400, 'invalid_code')
      assertFailure(await t.request.post('/api/v1/users/register').send({ phone: PHONE }), 400, 'invalid_request', 'validation_code')
      assertFailure(await t.request.post('/api/v1/users/register').send({ validation_code: code }), 400, 'invalid_request', 'phone')
      await sleep(1100)
      assertFailure(await t.request.post('/api/v1/users/register').send({ phone: PHONE, validation_code: code }), 400, 'invalid_code')
      assert.equal(await countUsers(t.store), 0)

      const registered = await create()
      await registered.registerPhone(PHONE)
      const resetCode = await registered.codeFor(PHONE, 3)
      assertFailure(await registered.request.post('/api/v1/users/login').send({ phone: PHONE, validation_code: resetCode }), 400, 'invalid_code')
    })

    it('answers a registration that lost the race for its phone with phone_taken', async () => {
      const t = await create()
      const code = await t.codeFor(PHONE, 1)
      await t.signUp('phone', PHONE)
      assertFailure(await t.request.post('/api/v1/users/register').send({ phone: PHONE, validation_code: code }), 400, 'phone_taken')
      assert.equal(await countUsers(t.store), 1)
    })

    it('updates name and password only with a token, a matching confirmation, a free name and a good password', async () => {
      const t = await create()
      const { access_token: token } = await t.passwordGrant(PHONE, await t.registerPhone(PHONE))
      const update = (body: Record<string, unknown>, headers: Record<string, string> = bearer(token as string)) => t.request.put('/api/v1/users/update').set(headers).send(body)
      const good = { name: 'gyb', password: PASSWORD, password_confirmation: PASSWORD }
      const unauthenticated = await update(good, {})
      assertFailure(unauthenticated, 401, 'unauthenticated')
      assert.equal(unauthenticated.headers['www-authenticate'], 'Bearer')
      assertFailure(await update(good, bearer('x'.repeat(43))), 401, 'unauthenticated')
      assertFailure(await update({ ...good, password_confirmation: 'something else 1' }), 400, 'invalid_request', 'password_confirmation')
      assertFailure(await update({ ...good, password: 'short', password_confirmation: 'short' }), 400, 'invalid_request', 'password')
      assertFailure(await update({ ...good, name: 'two words' }), 400, 'invalid_request', 'name')
      assertFailure(await update({ name: 'gyb' }), 400, 'invalid_request', 'password')
      await t.signUp('username', 'Taken')
      assertFailure(await update({ ...good, name: 'taken' }), 400, 'username_taken')
      // No password until the update succeeds.
      assert.equal((await t.token({ grant_type: 'password', username: PHONE, password: PASSWORD })).body.error, 'invalid_grant')
      assert.deepEqual((await update(good)).body, { result: 1 })
    })

    it('accepts a client API token on update, and ends the other sessions when the password changes', async () => {
      const t = await create()
      const { token, id } = await t.signUp('phone', PHONE)
      const other = await t.login('phone', PHONE)
      const body = { name: 'gyb', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: PASSWORD }
      const res = await t.request
        .put('/api/v1/users/update')
        .set({ Authorization: `Hydrogen-r1 ${token}` })
        .send(body)
      assert.deepEqual([res.status, res.body], [200, { result: 1 }])
      assert.equal((await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(token))).status, 200)
      assert.equal((await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(other))).status, 401)
      await t.login('username', 'gyb', NEW_PASSWORD)
    })

    it('resets the password with a reset code, ending every session and token of the user', async () => {
      const t = await create()
      const { token, id } = await t.signUp('phone', PHONE)
      const oauth = await t.passwordGrant(PHONE, PASSWORD)
      const code = await t.codeFor(PHONE, 3)
      const reset = (body: Record<string, unknown>) => t.request.put('/api/v1/users/reset').send({ phone: PHONE, validation_code: code, ...body })
      assertFailure(await reset({ password: NEW_PASSWORD, password_confirmation: PASSWORD }), 400, 'invalid_request', 'password_confirmation')
      assertFailure(await reset({ password: 'short', password_confirmation: 'short' }), 400, 'invalid_request', 'password')
      assertFailure(await reset({ password: NEW_PASSWORD }), 400, 'invalid_request', 'password_confirmation')
      assertFailure(await reset({ validation_code: wrongCode(code), password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }), 400, 'invalid_code')
      assert.deepEqual((await reset({ password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).body, { result: 1 })
      assertFailure(await reset({ password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }), 400, 'invalid_code')

      for (const dead of [token, oauth.access_token as string]) assert.equal((await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(dead))).status, 401)
      assert.equal((await t.token({ grant_type: 'refresh_token', refresh_token: oauth.refresh_token as string })).body.error, 'invalid_grant')
      assert.equal((await t.token({ grant_type: 'password', username: PHONE, password: PASSWORD })).body.error, 'invalid_grant')
      await t.passwordGrant(PHONE, NEW_PASSWORD)
      assert.ok(t.events.some((e) => e.type === 'password_reset' && e.userId === id))
    })

    it('answers malformed bodies with result 0 and never a 500', async () => {
      const t = await create()
      const broken = await t.request.post('/api/v1/users/register').set('Content-Type', 'application/json').send('{"phone":')
      assertFailure(broken, 400, 'invalid_json')
      assertFailure(await t.request.post('/api/v1/users/login').send({ phone: ['13812345678'], validation_code: {} }), 400, 'invalid_request', 'phone')
      assertFailure(await t.request.post('/api/v1/users/login').send({ phone: PHONE, validation_code: '1'.repeat(20_000) }), 413, 'payload_too_large')
      assertFailure(await t.request.put('/api/v1/users/reset').send([]), 400, 'invalid_request')
      assert.deepEqual(t.logger.errors, [])
    })

    it('serves no phone API without the oauth option', async () => {
      const t = await create({ oauth: undefined })
      assert.equal((await t.request.get('/api/v1/users/validation_code').query({ phone: PHONE, type: 1 })).status, 404)
      assert.equal((await t.request.post('/oauth/token').send({ grant_type: 'password' })).status, 404)
      assert.equal((await t.request.post('/hserve/v2.1/register/phone/').set(CLIENT).send({ phone: PHONE, password: PASSWORD })).status, 201)
    })
  })
}
