/**
 * Client API sign-in by SMS code and phone verification, through HTTP, on the
 * in-memory backend and on PostgreSQL + Redis. One code (purpose `client`) serves every route.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, countUsers, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { containsCode, wrongCode, type SmsOutbox } from '../helpers/sms-outbox.js'
import { createSmsTestApp } from '../helpers/sms-app.js'

const PHONE = '13800138000'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API SMS login and phone verification (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let outbox: SmsOutbox
    let events: UserRouterEvent[]
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const t = await createSmsTestApp(backend, 'sms-login', options)
      ;({ outbox, events } = t)
      return t
    }
    /** Sends a code to `phone` and answers it. */
    const codeFor = async (t: TestApp, phone = PHONE) => {
      const res = await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return outbox.lastCode(phone)
    }
    const smsLogin = (t: TestApp, body: Record<string, unknown>) => t.request.post('/hserve/v2.1/login/sms/').set(CLIENT).send(body)
    const verifyPhone = (t: TestApp, token: string, body: Record<string, unknown>) => t.request.post('/hserve/v2.1/sms-phone-verification/').set(t.auth(token)).send(body)
    const me = async (t: TestApp, token: string, id: number) => (await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(token))).body as Record<string, unknown>

    it('creates an account with a verified phone on the first SMS login, and signs into it on the next', async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1 } })
      const created = await smsLogin(t, { phone: '+86 138 0013 8000', code: await codeFor(t) })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      assert.match(created.headers['cache-control'] ?? '', /no-store/)
      assert.equal(created.body.expires_in, 2592000)
      assert.deepEqual([created.body._phone, created.body._phone_verified, created.body._username, created.body._email], [PHONE, true, null, null])
      assert.equal((await me(t, created.body.token, created.body.id))._phone_verified, true)
      await sleep(1100)
      const again = await smsLogin(t, { phone: PHONE, code: await codeFor(t), create_user: false })
      assert.equal(again.status, 201, JSON.stringify(again.body))
      assert.equal(again.body.id, created.body.id)
      assert.notEqual(again.body.token, created.body.token)
      assert.equal(await countUsers(t.store), 1)
      assert.deepEqual(
        events.filter((e) => ['registered', 'login'].includes(e.type)).map((e) => [e.type, e.method, e.userId]),
        [
          ['registered', 'sms', created.body.id],
          ['login', 'sms', created.body.id],
          ['login', 'sms', created.body.id],
        ],
      )
    })

    it('signs into the account registered with the phone, verifying its phone', async () => {
      const t = await create()
      const registered = await t.signUp('phone', PHONE)
      assert.equal(registered.body._phone_verified, false)
      const res = await smsLogin(t, { phone: PHONE, code: await codeFor(t) })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      assert.deepEqual([res.body.id, res.body._phone_verified], [registered.id, true])
      assert.equal((await me(t, res.body.token, registered.id))._phone_verified, true)
      // Proving an unverified phone claims the account: sessions from before the proof end.
      assert.equal((await t.request.get(`/hserve/v2.2/user/info/${registered.id}/`).set(t.auth(registered.token))).status, 401)
      assert.deepEqual(
        events.filter((e) => e.type === 'phone_verified').map((e) => e.userId),
        [registered.id],
      )
      assert.equal(await countUsers(t.store), 1)
    })

    it('answers 404 for an unknown phone with create_user false, creating nobody and spending the code', async () => {
      const t = await create()
      const code = await codeFor(t)
      assertError(await smsLogin(t, { phone: PHONE, code, create_user: false }), 404, 'user_not_found')
      assert.equal(await countUsers(t.store), 0)
      assertError(await smsLogin(t, { phone: PHONE, code }), 400, 'invalid_code')
      assert.equal(await countUsers(t.store), 0)
    })

    it('refuses a wrong, reused or never-sent code, and a malformed body, with 400', async () => {
      const t = await create()
      assertError(await smsLogin(t, { phone: PHONE, code: '123456' }), 400, 'invalid_code')
      const code = await codeFor(t)
      assertError(await smsLogin(t, { phone: PHONE, code: wrongCode(code) }), 400, 'invalid_code')
      assert.equal((await smsLogin(t, { phone: PHONE, code })).status, 201)
      assertError(await smsLogin(t, { phone: PHONE, code }), 400, 'invalid_code')
      assertError(await smsLogin(t, { phone: PHONE }), 400, 'invalid_request', 'code')
      assertError(await smsLogin(t, { phone: 'nope', code }), 400, 'invalid_request', 'phone')
      assertError(await smsLogin(t, { phone: PHONE, code, create_user: 'yes' }), 400, 'invalid_request', 'create_user')
      assert.equal(events.filter((e) => e.type === 'login_failed').length, 3)
    })

    it('takes one code for any client route: a code used on the verify route no longer signs in', async () => {
      const t = await create()
      const code = await codeFor(t)
      assert.equal((await t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).send({ phone: PHONE, code })).status, 200)
      assertError(await smsLogin(t, { phone: PHONE, code }), 400, 'invalid_code')
    })

    it('counts wrong codes as failed sign-ins: past the per-IP limit every route answers 429', async () => {
      const t = await create({ loginThrottle: { maxFailuresPerIp: 3 } })
      const phones = ['13800138001', '13800138002', '13800138003']
      for (const phone of phones) assertError(await smsLogin(t, { phone, code: wrongCode(await codeFor(t, phone)) }), 400, 'invalid_code')
      const throttled = await smsLogin(t, { phone: phones[0], code: outbox.lastCode(phones[0]!) })
      assertError(throttled, 429, 'login_throttled')
      assert.ok(Number(throttled.headers['retry-after']) > 0)
      assertError(
        await t.request
          .post('/hserve/v1.8/sms-verification-code/verify/')
          .set(CLIENT)
          .send({ phone: phones[1], code: outbox.lastCode(phones[1]!) }),
        429,
        'login_throttled',
      )
    })

    it("verifies the signed-in user's phone from the code alone, as the MinApp SDK sends it", async () => {
      const t = await create()
      const { id, token } = await t.signUp('phone', PHONE)
      const res = await verifyPhone(t, token, { code: await codeFor(t) })
      assert.deepEqual([res.status, res.body], [200, { status: 'ok' }])
      assert.equal((await me(t, token, id))._phone_verified, true)
      const account = await t.request.put('/hserve/v2.2/user/account/').set(t.auth(token)).send({})
      assert.deepEqual([account.body.phone, account.body.phone_verified], [PHONE, true])
      assert.deepEqual(
        events.filter((e) => e.type === 'phone_verified').map((e) => e.userId),
        [id],
      )
    })

    it('verifies the phone when the body names it in another notation, and refuses another number', async () => {
      const t = await create()
      const { id, token } = await t.signUp('phone', PHONE)
      const code = await codeFor(t)
      assertError(await verifyPhone(t, token, { phone: '13900139000', code }), 400, 'invalid_request', 'phone')
      assertError(await verifyPhone(t, token, { phone: 'garbage', code }), 400, 'invalid_request', 'phone')
      assert.equal((await me(t, token, id))._phone_verified, false)
      assert.equal((await verifyPhone(t, token, { phone: '+86 138-0013-8000', code })).status, 200, 'the code was not spent by the refusals')
      assert.equal((await me(t, token, id))._phone_verified, true)
    })

    it('refuses phone verification with a wrong code, without a phone on the account, or without a token', async () => {
      const t = await create()
      const { id, token } = await t.signUp('phone', PHONE)
      const code = await codeFor(t)
      assertError(await verifyPhone(t, token, { code: wrongCode(code) }), 400, 'invalid_code')
      assertError(await verifyPhone(t, token, {}), 400, 'invalid_request', 'code')
      assert.equal((await me(t, token, id))._phone_verified, false)
      const other = await t.signUp('username', 'no_phone')
      assertError(await verifyPhone(t, other.token, { code }), 400, 'invalid_request', 'phone')
      assertError(await t.request.post('/hserve/v2.1/sms-phone-verification/').set(CLIENT).send({ code }), 401, 'unauthenticated')
      assert.equal((await verifyPhone(t, token, { code })).status, 200)
    })

    it('puts no code in any event or log line', async () => {
      const t = await create()
      const { token } = await t.signUp('phone', '13900139000')
      const codes = [await codeFor(t), await codeFor(t, '13900139000')]
      await smsLogin(t, { phone: PHONE, code: wrongCode(codes[0]!) })
      await smsLogin(t, { phone: PHONE, code: codes[0] })
      await verifyPhone(t, token, { code: codes[1] })
      assert.ok(events.some((e) => e.type === 'phone_verified') && events.some((e) => e.type === 'login_failed'))
      const logged = JSON.stringify([events, t.logger.warnings, t.logger.errors.map((e) => e.message)])
      for (const code of codes) assert.ok(!containsCode(logged, code!), `code ${code} in ${logged}`)
    })
  })
}
