/**
 * SMS pumping (toll fraud) is contained: codes go only to the countries an app lists, and a global
 * hourly cap pauses every send once reached. Through HTTP, on the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterOptions } from '../../src/options.js'
import { createUserRouter } from '../../src/create-user-router.js'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { assertError, backendSkips, BACKENDS, CLIENT, CLIENT_ID, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createSmsTestApp, type SmsTestApp } from '../helpers/sms-app.js'
import { assertFailure, createPhoneTestApp } from '../phone-api/phone-app.js'

const retryAfter = (res: { headers: Record<string, string> }) => Number(res.headers['retry-after'])

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`SMS pumping (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = (options: Partial<UserRouterOptions> = {}) => createSmsTestApp(backend, 'sms-pumping', options)
    const send = (t: SmsTestApp, phone: string) => t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).send({ phone })

    it('sends codes to mainland China only by default, refusing other numbers with sms_region_not_allowed naming phone', async () => {
      const t = await create()
      // +852 and +886 begin with 8 like +86, but are other countries.
      for (const phone of ['+1 415 555 2671', '+447911123456', '+85212345678', '+886912345678']) assertError(await send(t, phone), 400, 'sms_region_not_allowed', 'phone')
      assert.equal(t.outbox.attempted.length, 0, 'nothing was sent')
      assert.equal((await send(t, '+86 138 0013 8000')).status, 200)
      assert.equal((await send(t, '13900139000')).status, 200)
      assert.deepEqual(
        t.outbox.sent.map((m) => m.phone),
        ['13800138000', '13900139000'],
      )
    })

    it('sends to the calling codes an app lists, and to those only', async () => {
      const t = await create({ smsCodes: { allowedCallingCodes: ['86', '44'] } })
      assert.equal((await send(t, '+44 7911 123456')).status, 200)
      assert.equal((await send(t, '13800138000')).status, 200)
      assertError(await send(t, '+14155552671'), 400, 'sms_region_not_allowed', 'phone')
      assertError(await send(t, '+41 44 668 18 00'), 400, 'sms_region_not_allowed', 'phone')
      assert.deepEqual(
        t.outbox.sent.map((m) => m.phone),
        ['+447911123456', '13800138000'],
      )
    })

    it("refuses other countries on the phone API's validation_code in its own error format", async () => {
      const t = await createPhoneTestApp(backend, 'sms-pumping')
      assertFailure(await t.request.get('/api/v1/users/validation_code').query({ phone: '+14155552671', type: 1 }), 400, 'sms_region_not_allowed', 'phone')
      assert.equal(t.outbox.attempted.length, 0)
    })

    it('pauses every send past maxPerHour with 503 sms_paused and Retry-After, emitting sms_circuit_open once', async () => {
      const t = await create({ smsCodes: { maxPerHour: 3, maxPerIpPerHour: 100 } })
      for (const phone of ['13800138001', '13800138002', '13800138003']) assert.equal((await send(t, phone)).status, 200, phone)
      for (const phone of ['13800138004', '13800138005', '13800138006']) {
        const paused = await send(t, phone)
        assertError(paused, 503, 'sms_paused')
        assert.ok(retryAfter(paused) > 3500 && retryAfter(paused) <= 3600, `Retry-After ${retryAfter(paused)}`)
      }
      assert.equal(t.outbox.attempted.length, 3)
      assert.equal(t.events.filter((e) => e.type === 'sms_circuit_open').length, 1)
    })

    it('counts the hourly cap over all phones in parallel: of 20 sends with a cap of 5, exactly 5 go out', async () => {
      const t = await create({ smsCodes: { maxPerHour: 5, maxPerIpPerHour: 100 } })
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(t, `1380013${String(8100 + i)}`)))
      assert.deepEqual([answers.filter((r) => r.status === 200).length, answers.filter((r) => r.status === 503).length], [5, 15])
      assert.equal(t.outbox.sent.length, 5)
      assert.equal(t.events.filter((e) => e.type === 'sms_circuit_open').length, 1)
    })
  })
}

describe('the SMS circuit breaker on a clock the test moves', () => {
  afterEach(closeTestApps)
  it('closes when the hour window ends, and emits sms_circuit_open again when the next window is used up', async () => {
    let now = 1_000_000_000
    const kv = new MemoryKeyValueStore({ now: () => now })
    const t = await createSmsTestApp('memory', 'sms-pumping', { redis: kv, smsCodes: { maxPerHour: 2, maxPerIpPerHour: 100 } })
    let phone = 13800138100
    const send = () =>
      t.request
        .post('/hserve/v2.2/sms-verification-code/')
        .set(CLIENT)
        .send({ phone: String(phone++) })
    const opened = () => t.events.filter((e) => e.type === 'sms_circuit_open').length
    for (const window of [1, 2]) {
      assert.deepEqual([(await send()).status, (await send()).status, (await send()).status, (await send()).status], [200, 200, 503, 503], `window ${window}`)
      assert.equal(opened(), window)
      now += 3_600_000
    }
    assert.equal(t.outbox.sent.length, 4)
    await kv.close()
  })
})

describe('SMS pumping options', () => {
  it('refuses calling codes that are not 1 to 3 digits, naming the option', () => {
    for (const allowedCallingCodes of [['+86'], ['0'], ['1234'], [], ['86', '86']]) {
      assert.throws(
        () => createUserRouter({ storage: new MemoryUserStore(), clients: [CLIENT_ID], smsCodes: { allowedCallingCodes } }),
        (error: Error) => error instanceof TypeError && error.message.includes('options.smsCodes.allowedCallingCodes'),
        JSON.stringify(allowedCallingCodes),
      )
    }
  })
})
