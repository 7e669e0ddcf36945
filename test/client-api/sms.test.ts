/**
 * Client API SMS codes: sending, checking and their limits, through HTTP,
 * on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import type { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { UserRouterError } from '../../src/errors.js'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, releaseTestResources, type TestApp } from '../helpers/test-app.js'
import { containsCode, wrongCode, type SmsOutbox } from '../helpers/sms-outbox.js'
import { createSmsTestApp } from '../helpers/sms-app.js'

const PHONE = '13800138000'
const SECRET = 'a shared secret of at least 32 characters'

/** Retry-After of a response, in seconds. */
const retryAfter = (res: { headers: Record<string, string> }) => Number(res.headers['retry-after'])

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API SMS codes (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let outbox: SmsOutbox
    let events: UserRouterEvent[]
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const t = await createSmsTestApp(backend, 'sms', options)
      ;({ outbox, events } = t)
      return t
    }
    const send = (t: TestApp, phone = PHONE, version = 'v2.2') => t.request.post(`/hserve/${version}/sms-verification-code/`).set(CLIENT).send({ phone })
    const verify = (t: TestApp, code: string | number, phone = PHONE) => t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).send({ phone, code })

    it('sends a 6-digit code on v1.8 and v2.2 and accepts it once on the verify route', async () => {
      // Codes go to mainland China only unless the app lists more calling codes.
      const t = await create({ smsCodes: { allowedCallingCodes: ['86', '1'] } })
      for (const [version, phone, typed] of [
        ['v1.8', PHONE, '+86 138 0013 8000'],
        ['v2.2', '+14155552671', '+1 415 555 2671'],
      ] as const) {
        const sent = await send(t, typed, version)
        assert.deepEqual([sent.status, sent.body], [200, { status: 'ok' }])
        const message = outbox.sent.at(-1)!
        assert.deepEqual({ ...message, code: 'x' }, { phone, code: 'x', purpose: 'client', ttlSeconds: 600 })
        assert.match(message.code, /^\d{6}$/)
        assertError(await verify(t, wrongCode(message.code), phone), 400, 'invalid_code')
        const ok = await verify(t, message.code, typed)
        assert.deepEqual([ok.status, ok.body], [200, { status: 'ok' }])
        assertError(await verify(t, message.code, phone), 400, 'invalid_code')
      }
      assert.deepEqual(
        events.filter((e) => e.type === 'sms_sent').map((e) => e.clientId),
        ['test-client', 'test-client'],
      )
    })

    it('serves the routes without a trailing slash, takes a numeric code, and ignores a token', async () => {
      const t = await create()
      const sent = await t.request
        .post('/hserve/v1.8/sms-verification-code')
        .set({ ...CLIENT, Authorization: 'Hydrogen-r1 not-a-token' })
        .send({ phone: PHONE })
      assert.equal(sent.status, 200)
      const ok = await t.request
        .post('/hserve/v1.8/sms-verification-code/verify')
        .set(CLIENT)
        .send({ phone: PHONE, code: Number(outbox.lastCode(PHONE)) })
      assert.equal(ok.status, 200, JSON.stringify(ok.body))
    })

    it('refuses an invalid or missing phone, and a missing code, naming the field and sending nothing', async () => {
      const t = await create()
      assertError(await send(t, '12345'), 400, 'invalid_request', 'phone')
      assertError(await t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({}), 400, 'invalid_request', 'phone')
      assertError(await t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).send({ phone: PHONE }), 400, 'invalid_request', 'code')
      assertError(await verify(t, '123456', 'not a phone'), 400, 'invalid_request', 'phone')
      assertError(await t.request.post('/hserve/v2.2/sms-verification-code/').send({ phone: PHONE }), 401, 'invalid_client')
      assert.equal(outbox.sent.length, 0)
    })

    it('sends one code per phone per cooldown, with Retry-After, whatever the purpose of the next', async () => {
      const t = await create()
      assert.equal((await send(t)).status, 200)
      const again = await send(t, '+86 13800138000', 'v1.8')
      assertError(again, 400, 'sms_rate_limited')
      assert.ok(retryAfter(again) >= 1 && retryAfter(again) <= 60, `Retry-After ${retryAfter(again)}`)
      assert.equal((await send(t, '13900139000')).status, 200, 'another phone is not held back')
      assert.equal(outbox.sent.length, 2)
      assert.deepEqual(
        events.filter((e) => e.type === 'rate_limited').map((e) => e.method),
        ['sms'],
      )
    })

    it('gives exactly one of 100 parallel sends to one phone a 200', async () => {
      const t = await create({ smsCodes: { maxPerIpPerHour: 1000 } })
      const answers = await Promise.all(Array.from({ length: 100 }, () => send(t)))
      assert.deepEqual([answers.filter((r) => r.status === 200).length, answers.filter((r) => r.body.code === 'sms_rate_limited').length], [1, 99])
      assert.equal(outbox.sent.length, 1)
    })

    it('replaces the code of a phone with the next one sent', async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1 } })
      await send(t)
      const first = outbox.lastCode(PHONE)
      await sleep(1100)
      assert.equal((await send(t)).status, 200)
      const second = outbox.lastCode(PHONE)
      if (first !== second) assertError(await verify(t, first), 400, 'invalid_code')
      assert.equal((await verify(t, second)).status, 200)
    })

    it('expires a code after its TTL', async () => {
      const t = await create({ smsCodes: { ttlSeconds: 1 } })
      await send(t)
      assert.equal(outbox.sent[0]!.ttlSeconds, 1)
      await sleep(1200)
      assertError(await verify(t, outbox.lastCode(PHONE)), 400, 'invalid_code')
    })

    it('burns a code at the 5th wrong try, and not before', async () => {
      const t = await create()
      const [survivor, burnt] = [PHONE, '13900139000']
      for (const phone of [survivor, burnt]) await send(t, phone)
      for (let n = 1; n <= 4; n++) assertError(await verify(t, wrongCode(outbox.lastCode(survivor), n), survivor), 400, 'invalid_code')
      assert.equal((await verify(t, outbox.lastCode(survivor), survivor)).status, 200, 'right after 4 wrong tries')
      for (let n = 1; n <= 5; n++) assertError(await verify(t, wrongCode(outbox.lastCode(burnt), n), burnt), 400, 'invalid_code')
      assertError(await verify(t, outbox.lastCode(burnt), burnt), 400, 'invalid_code')
    })

    it('caps the codes per phone per day, answering Retry-After until the day window ends', async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1, maxPerPhonePerDay: 2 } })
      for (let i = 0; i < 2; i++) {
        assert.equal((await send(t)).status, 200)
        await sleep(1100)
      }
      const capped = await send(t)
      assertError(capped, 400, 'sms_rate_limited')
      assert.ok(retryAfter(capped) > 86_000, `Retry-After ${retryAfter(capped)}`)
      assert.equal(outbox.sent.length, 2)
    })

    it('caps the codes requested per IP per hour, over all phones', async () => {
      const t = await create({ smsCodes: { maxPerIpPerHour: 2 } })
      assert.equal((await send(t, '13800138001')).status, 200)
      assert.equal((await send(t, '13800138002')).status, 200)
      const capped = await send(t, '13800138003')
      assertError(capped, 400, 'sms_rate_limited')
      assert.ok(retryAfter(capped) > 3500 && retryAfter(capped) <= 3600, `Retry-After ${retryAfter(capped)}`)
      assert.equal(outbox.sent.length, 2)
    })

    it("answers 402 when the sender's quota is used up, and lets the phone retry at once", async () => {
      const t = await create()
      outbox.failures.push(new UserRouterError('sms_quota_exhausted'))
      assertError(await send(t), 402, 'sms_quota_exhausted')
      assert.equal((await send(t)).status, 200)
    })

    it('answers sms_failed when the sender fails, logs it without the code, and lets the phone retry at once', async () => {
      const t = await create()
      // The failure quotes the code, as a provider echoing the SMS text might.
      outbox.failures.push((message) => new Error(`rejected "your code is ${message.code}"`))
      assertError(await send(t), 400, 'sms_failed')
      const failedCode = outbox.attempted[0]!.code
      const warnings = t.logger.warnings.filter((w) => w.includes('SMS sender failed'))
      assert.equal(warnings.length, 1, JSON.stringify(t.logger.warnings))
      assert.ok(!containsCode(warnings[0]!, failedCode) && warnings[0]!.includes('******'), warnings[0])
      assert.equal((await send(t)).status, 200, 'retry at once')
      assert.equal(outbox.sent.length, 1)
      assert.equal((await verify(t, outbox.lastCode(PHONE))).status, 200)
    })

    it('keeps the cooldown of one phone across two routers sharing one Redis: one of 100 parallel sends wins', { skip: backend !== 'real' && 'needs a shared Redis' }, async () => {
      const first = await create({ secret: SECRET, smsCodes: { maxPerIpPerHour: 1000 } })
      const second = await createTestApp({
        backend,
        label: 'sms',
        options: { storage: first.store, redis: first.kv!, secret: SECRET, sms: outbox.sender, smsCodes: { maxPerIpPerHour: 1000 } },
      })
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => send(i % 2 ? first : second)))
      assert.deepEqual([answers.filter((r) => r.status === 200).length, answers.filter((r) => r.body.code === 'sms_rate_limited').length], [1, 99])
      assert.equal(outbox.sent.length, 1)
      // Either router accepts the code the other sent (same Redis, same secret).
      const winner = answers.findIndex((r) => r.status === 200)
      assert.equal((await verify(winner % 2 ? second : first, outbox.lastCode(PHONE))).status, 200)
    })

    it('puts no code in any event, log line, key or stored value', async () => {
      const t = await create()
      await send(t, '13900139000')
      const code = outbox.lastCode('13900139000')
      await verify(t, wrongCode(code), '13900139000')
      await verify(t, code, '13900139000')
      await send(t)
      const pending = outbox.lastCode(PHONE)
      const logged = JSON.stringify([events, t.logger.warnings, t.logger.errors.map((e) => e.message)])
      for (const c of [code, pending]) assert.ok(!containsCode(logged, c), `code ${c} in ${logged}`)
      if (t.kv) {
        const kv = t.kv as RedisKeyValueStore
        const client = kv.client as Redis
        const keys = await client.keys(`${kv.keyPrefix}*`)
        assert.ok(
          keys.some((k) => k.includes(PHONE)),
          `keys: ${keys.join(', ')}`,
        )
        for (const key of keys) {
          const value = (await client.type(key)) === 'string' ? await client.get(key) : ''
          assert.ok(!containsCode(key, pending) && !containsCode(value ?? '', pending), `${key} = ${value}`)
        }
      }
    })
  })
}
