/**
 * `/oauth/revoke` checks a refresh token whole, its secret included: a token that only names a
 * family (its id with a wrong secret, or a rotated refresh token of the family) revokes nothing and
 * answers as RFC 7009 does for an unknown token (200), however often it is tried.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { basic, createPhoneTestApp, OAUTH_CLIENT, OTHER_CLIENT, type PhoneTestApp } from './phone-app.js'

const skip = await backendSkips()
after(releaseTestResources)

/** The HTTP status of a client API read with `token`: 200 while it lives, 401 after. */
async function statusWith(t: PhoneTestApp, token: unknown): Promise<number> {
  return (await t.request.get('/hserve/v2.2/user/info/').set({ ...CLIENT, Authorization: `Bearer ${String(token)}` })).status
}

function revoke(t: PhoneTestApp, token: string, client = OAUTH_CLIENT) {
  return t.request.post('/oauth/revoke').set('Authorization', basic(client)).type('form').send({ token })
}

/** The same family id with another secret of the right shape. */
function withWrongSecret(refreshToken: string, fill = 'A'): string {
  const [id] = refreshToken.split('.')
  return `${id}.${fill.repeat(43)}`
}

for (const backend of BACKENDS) {
  describe(`OAuth revocation checks the refresh token's secret (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const start = async () => {
      const t = await createPhoneTestApp(backend, 'oauth-revoke')
      await t.signUp('username', 'ann')
      return { t, pair: await t.passwordGrant('ann', PASSWORD) }
    }

    it('revokes nothing for the family id with a wrong secret, and answers 200 as for an unknown token', async () => {
      const { t, pair } = await start()
      const forged = await revoke(t, withWrongSecret(String(pair.refresh_token)))
      assert.deepEqual([forged.status, forged.body], [200, {}])
      assert.equal(await statusWith(t, pair.access_token), 200, "the family's access token lives on")
      const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token) })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      assert.equal(t.events.filter((e) => e.type === 'token_revoked').length, 0)
    })

    it('does not use the refresh token up after many wrong secrets', async () => {
      const { t, pair } = await start()
      for (let i = 0; i < 12; i++) assert.equal((await revoke(t, withWrongSecret(String(pair.refresh_token), 'ABCDEFGHIJKL'[i]))).status, 200)
      const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token) })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      assert.equal(await statusWith(t, refreshed.body.access_token), 200)
    })

    it('answers a wrong secret as unknown for another client too, and keeps the family', async () => {
      const { t, pair } = await start()
      const forged = await revoke(t, withWrongSecret(String(pair.refresh_token)), OTHER_CLIENT)
      assert.deepEqual([forged.status, forged.body], [200, {}])
      assert.equal(await statusWith(t, pair.access_token), 200)
      // The right token, from the other client: refused, and the token still works for its own client.
      assert.equal((await revoke(t, String(pair.refresh_token), OTHER_CLIENT)).body.error, 'unauthorized_client')
      const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token) })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
    })

    it('treats a rotated refresh token as unknown: nothing is revoked, the current pair keeps working', async () => {
      const { t, pair } = await start()
      const next = await t.token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token) })
      assert.equal(next.status, 200, JSON.stringify(next.body))
      assert.deepEqual([(await revoke(t, String(pair.refresh_token))).status], [200])
      assert.equal(await statusWith(t, next.body.access_token), 200)
      const after = await t.token({ grant_type: 'refresh_token', refresh_token: String(next.body.refresh_token) })
      assert.equal(after.status, 200, JSON.stringify(after.body))
      assert.equal(t.events.filter((e) => e.type === 'token_revoked' || e.type === 'refresh_token_reused').length, 0)
    })

    it('still revokes the whole family for the current refresh token', async () => {
      const { t, pair } = await start()
      assert.equal((await revoke(t, String(pair.refresh_token))).status, 200)
      assert.equal(await statusWith(t, pair.access_token), 401)
      assert.equal((await t.token({ grant_type: 'refresh_token', refresh_token: String(pair.refresh_token) })).status, 400)
      assert.equal(t.events.filter((e) => e.type === 'token_revoked').length, 1)
    })
  })
}
