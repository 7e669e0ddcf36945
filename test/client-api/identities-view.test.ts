/**
 * A user's third-party identities in the MinApp user object: `_provider`, `openid` and `unionid`
 * for the owner, none of them for other users, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { backendSkips, EVERY_BACKEND, closeTestApps, createTestApp, releaseTestResources } from '../helpers/test-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of EVERY_BACKEND) {
  describe(`identities in the user object (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it("shows the owner each identity under _provider, WeChat's openid and unionid; others see none of it", async () => {
      const t = await createTestApp({ backend, label: 'identities-view' })
      const ann = await t.signUp('username', 'ann')
      const bob = await t.signUp('username', 'bob')
      await t.store.linkIdentity(ann.id, { provider: 'oauth-oidc', subject: 'sub-1', unionId: null, linkedAt: 1_700_000_000 })
      await t.store.linkIdentity(ann.id, { provider: 'wechat', subject: 'o-mini-1', unionId: 'u-1', linkedAt: 1_700_000_100 })

      const own = await t.request.get(`/hserve/v2.2/user/info/${ann.id}/`).set(t.auth(ann.token))
      assert.equal(own.status, 200, JSON.stringify(own.body))
      assert.deepEqual(own.body._provider, {
        'oauth-oidc': { subject: 'sub-1', unionid: null, linked_at: 1_700_000_000 },
        wechat: { subject: 'o-mini-1', unionid: 'u-1', linked_at: 1_700_000_100 },
      })
      assert.deepEqual([own.body.openid, own.body.unionid], ['o-mini-1', 'u-1'])

      const other = await t.request.get(`/hserve/v2.2/user/info/${ann.id}/`).set(t.auth(bob.token))
      assert.equal(other.status, 200)
      for (const field of ['_provider', 'openid', 'unionid']) assert.ok(!(field in other.body), `another user sees ${field}`)
      assert.ok(!JSON.stringify(other.body).includes('o-mini-1'))
    })

    it('answers null openid and unionid, and an empty _provider, for a user without identities', async () => {
      const t = await createTestApp({ backend, label: 'identities-view' })
      const ann = await t.signUp('username', 'ann')
      const own = await t.request.get(`/hserve/v2.2/user/info/${ann.id}/`).set(t.auth(ann.token))
      assert.deepEqual([own.body._provider, own.body.openid, own.body.unionid], [{}, null, null])
    })
  })
}
