/**
 * The phone API's `GET /api/v1/users/validation_code` refuses a browser's cross-site request, so a
 * page elsewhere cannot make its visitors' browsers send codes; plain HTTP clients keep working,
 * and so does the client API's send route that the MinApp web SDK calls cross-origin.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createSmsTestApp } from '../helpers/sms-app.js'
import { assertFailure, createPhoneTestApp, type PhoneTestApp } from './phone-app.js'

const HOST = 'api.example.com'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`phone API validation codes from other sites (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    let phones = 0
    /** Asks for a register code to a new phone with these headers, the request addressed to HOST over http. */
    const ask = (t: PhoneTestApp, headers: Record<string, string>) =>
      t.request
        .get('/api/v1/users/validation_code')
        .set({ Host: HOST, ...headers })
        .query({ phone: `1380013${String(8000 + phones++)}`, type: 1 })

    it('refuses a cross-site or same-site browser request with 403 cross_site_request, sending nothing', async () => {
      const t = await createPhoneTestApp(backend, 'cross-site')
      const refused: Record<string, string>[] = [
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
        { 'Sec-Fetch-Site': 'same-site', Origin: 'http://www.example.com' },
        { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' },
        { Origin: 'https://evil.example' },
        { Origin: `http://${HOST}:8080` },
        { Origin: `https://${HOST}` },
        { Origin: 'null' },
      ]
      for (const headers of refused) {
        assertFailure(await ask(t, headers), 403, 'cross_site_request')
      }
      assert.equal(t.outbox.attempted.length, 0)
    })

    it('serves plain HTTP clients, same-origin pages and direct navigations', async () => {
      const t = await createPhoneTestApp(backend, 'cross-site')
      const served: Record<string, string>[] = [
        {},
        { 'Sec-Fetch-Site': 'same-origin', Origin: `http://${HOST}` },
        { 'Sec-Fetch-Site': 'none' },
        { Origin: `http://${HOST}` },
        { 'Sec-Fetch-Site': 'same-origin' },
      ]
      for (const headers of served) {
        const res = await ask(t, headers)
        assert.deepEqual([res.status, res.body], [200, { result: 1 }], JSON.stringify(headers))
      }
      assert.equal(t.outbox.sent.length, 5)
    })

    it('serves the origins the cors option lists by name or pattern, and no others', async () => {
      const t = await createPhoneTestApp(backend, 'cross-site', { cors: { origins: ['https://app.example', /^https:\/\/[a-z]+\.partner\.example$/] } })
      for (const origin of ['https://app.example', 'https://shop.partner.example']) {
        const res = await ask(t, { 'Sec-Fetch-Site': 'cross-site', Origin: origin })
        assert.deepEqual([res.status, res.body], [200, { result: 1 }], origin)
      }
      assertFailure(await ask(t, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }), 403, 'cross_site_request')
      assertFailure(await ask(t, { 'Sec-Fetch-Site': 'cross-site' }), 403, 'cross_site_request')

      const open = await createPhoneTestApp(backend, 'cross-site', { cors: { origins: '*' } })
      assertFailure(await ask(open, { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }), 403, 'cross_site_request')
    })

    it("leaves the client API's send route to CORS: the MinApp web SDK calls it cross-origin", async () => {
      const t = await createSmsTestApp(backend, 'cross-site', { cors: { origins: ['https://app.example'] } })
      const res = await t.request
        .post('/hserve/v2.2/sms-verification-code/')
        .set({ ...CLIENT, Host: HOST, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.example' })
        .send({ phone: '13800138000' })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.headers['access-control-allow-origin'], 'https://app.example')
      assertError(
        await t.request.post('/hserve/v2.2/sms-verification-code/').set({ Host: HOST, 'Sec-Fetch-Site': 'cross-site' }).send({ phone: '13900139000' }),
        401,
        'invalid_client',
      )
    })
  })
}
