/**
 * SMS codes that a third party cannot turn against the phone's owner: sends and wrong guesses from
 * other IPs use up neither the owner's send budget nor the owner's pending code. Through HTTP, on
 * the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { UserRouterOptions } from '../../src/options.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { wrongCode } from '../helpers/sms-outbox.js'
import { createSmsTestApp, type SmsTestApp } from '../helpers/sms-app.js'
import { assertFailure, createPhoneTestApp } from '../phone-api/phone-app.js'

const PHONE = '13800138000'
const OWNER = '198.51.100.7'
/** IPs of third parties. */
const OTHERS = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5', '203.0.113.6']

const retryAfter = (res: { headers: Record<string, string> }) => Number(res.headers['retry-after'])

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`SMS codes against third parties (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async (options: Partial<UserRouterOptions> = {}) => {
      const t = await createSmsTestApp(backend, 'sms-abuse', options)
      // The IP of each request is the X-Forwarded-For the test sets.
      t.app.set('trust proxy', true)
      return t
    }
    const send = (t: SmsTestApp, ip: string, phone = PHONE) => t.request.post('/hserve/v2.2/sms-verification-code/').set(CLIENT).set('X-Forwarded-For', ip).send({ phone })
    const verify = (t: SmsTestApp, ip: string, code: string) =>
      t.request.post('/hserve/v1.8/sms-verification-code/verify/').set(CLIENT).set('X-Forwarded-For', ip).send({ phone: PHONE, code })

    it("lets the owner get a code at once after a third party's send to the phone, and holds each IP to its own cooldown", async () => {
      const t = await create()
      assert.equal((await send(t, OTHERS[0]!)).status, 200)
      const owners = await send(t, OWNER)
      assert.equal(owners.status, 200, JSON.stringify(owners.body))
      assertError(await send(t, OWNER), 400, 'sms_rate_limited')
      assertError(await send(t, OTHERS[0]!), 400, 'sms_rate_limited')
      assert.equal(t.outbox.sent.length, 2)
    })

    it('lets the owner get codes when a third party has used up its own daily codes for the phone', async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1, maxPerPhonePerDay: 2 } })
      for (let i = 0; i < 2; i++) {
        assert.equal((await send(t, OTHERS[0]!)).status, 200)
        await sleep(1100)
      }
      const capped = await send(t, OTHERS[0]!)
      assertError(capped, 400, 'sms_rate_limited')
      assert.ok(retryAfter(capped) > 86_000, `Retry-After ${retryAfter(capped)}`)
      assert.equal((await send(t, OWNER)).status, 200, "the owner's own codes are untouched")
      assert.equal(t.outbox.sent.length, 3)
    })

    it('caps the codes of one phone over all IPs at 3 × maxPerPhonePerDay by default, and at maxPerPhonePerDayAllIps when given', async () => {
      const t = await create({ smsCodes: { maxPerPhonePerDay: 1 } })
      for (const ip of OTHERS.slice(0, 3)) assert.equal((await send(t, ip)).status, 200, ip)
      const capped = await send(t, OTHERS[3]!)
      assertError(capped, 400, 'sms_rate_limited')
      assert.ok(retryAfter(capped) > 86_000, `Retry-After ${retryAfter(capped)}`)
      assert.equal((await send(t, OTHERS[4]!, '13900139000')).status, 200, 'another phone is not held back')
      assert.equal(t.outbox.sent.length, 4)

      const tuned = await create({ smsCodes: { maxPerPhonePerDay: 1, maxPerPhonePerDayAllIps: 5 } })
      for (const ip of OTHERS.slice(0, 5)) assert.equal((await send(tuned, ip)).status, 200, ip)
      assertError(await send(tuned, OTHERS[5]!), 400, 'sms_rate_limited')
      assert.equal(tuned.outbox.sent.length, 5)
    })

    it("keeps the owner's code usable whatever other IPs guess, and stops checking their guesses after maxFailures", async () => {
      const t = await create()
      assert.equal((await send(t, OWNER)).status, 200)
      const code = t.outbox.lastCode(PHONE)
      for (let n = 1; n <= 5; n++) assertError(await verify(t, OTHERS[n % 2]!, wrongCode(code, n)), 400, 'invalid_code')
      // Other IPs have had their tries: even the right code is not checked for them.
      assertError(await verify(t, OTHERS[2]!, code), 400, 'invalid_code')
      for (let n = 6; n <= 20; n++) assertError(await verify(t, OTHERS[n % 4]!, wrongCode(code, n)), 400, 'invalid_code')
      const ok = await verify(t, OWNER, code)
      assert.equal(ok.status, 200, JSON.stringify(ok.body))
    })

    it("accepts the right code from another IP within the others' tries, and still burns the code at the owner's 5th wrong try", async () => {
      const t = await create({ smsCodes: { cooldownSeconds: 1 } })
      await send(t, OWNER)
      assertError(await verify(t, OTHERS[0]!, wrongCode(t.outbox.lastCode(PHONE))), 400, 'invalid_code')
      assert.equal((await verify(t, OTHERS[1]!, t.outbox.lastCode(PHONE))).status, 200, 'the owner on another network')
      await sleep(1100)
      await send(t, OWNER)
      const code = t.outbox.lastCode(PHONE)
      for (let n = 1; n <= 5; n++) assertError(await verify(t, OWNER, wrongCode(code, n)), 400, 'invalid_code')
      assertError(await verify(t, OWNER, code), 400, 'invalid_code')
    })

    it('counts an IPv6 client by its /64: its addresses share the cooldown and the IP cap, and all of them own its code', async () => {
      const t = await create({ smsCodes: { maxPerIpPerHour: 2 } })
      assert.equal((await send(t, '2001:db8:1:2::a')).status, 200)
      assertError(await send(t, '2001:db8:1:2:ffff::b'), 400, 'sms_rate_limited')
      assert.equal((await send(t, '2001:db8:1:3::a')).status, 200, 'another /64')
      const code = t.outbox.lastCode(PHONE)
      for (let n = 1; n <= 5; n++) assertError(await verify(t, OTHERS[0]!, wrongCode(code, n)), 400, 'invalid_code')
      assert.equal((await verify(t, '2001:db8:1:3:0:0:0:c', code)).status, 200, 'the owner from a rotated address of its /64')
      assert.equal((await send(t, '2001:db8:1:2::c', '13900139000')).status, 200)
      assertError(await send(t, '2001:db8:1:2::d', '13700137000'), 400, 'sms_rate_limited')
    })

    it("keeps the phone API's pending code of the owner usable whatever other IPs guess", async () => {
      const t = await createPhoneTestApp(backend, 'sms-abuse')
      t.app.set('trust proxy', true)
      const asked = await t.request.get('/api/v1/users/validation_code').set('X-Forwarded-For', OWNER).query({ phone: PHONE, type: 1 })
      assert.deepEqual(asked.body, { result: 1 })
      const code = t.outbox.lastCode(PHONE)
      const register = (ip: string, validationCode: string) =>
        t.request.post('/api/v1/users/register').set('X-Forwarded-For', ip).send({ phone: PHONE, validation_code: validationCode })
      for (let n = 1; n <= 6; n++) assertFailure(await register(OTHERS[n % 3]!, wrongCode(code, n)), 400, 'invalid_code')
      const ok = await register(OWNER, code)
      assert.equal(ok.status, 200, JSON.stringify(ok.body))
    })
  })
}
