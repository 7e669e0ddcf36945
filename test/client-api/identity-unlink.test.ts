/**
 * Unlinking a third-party identity through the account route: proven like a contact change, never
 * the last way to sign in, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { assertError, backendSkips, EVERY_BACKEND, closeTestApps, createTestApp, PASSWORD, releaseTestResources } from '../helpers/test-app.js'

const skip = await backendSkips()
after(releaseTestResources)

const OIDC = { provider: 'oauth-oidc', subject: 'sub-1', unionId: null, linkedAt: 1_700_000_000 }

for (const backend of EVERY_BACKEND) {
  describe(`unlinking an identity (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('unlinks with the current password, and says so in an event', async () => {
      const events: UserRouterEvent[] = []
      const t = await createTestApp({ backend, label: 'identity-unlink', options: { onEvent: (event) => void events.push(event) } })
      const ann = await t.signUp('username', 'ann')
      await t.store.linkIdentity(ann.id, OIDC)
      await t.store.updateUser(ann.id, {
        operations: [{ kind: 'set', field: INTERNAL_FIELDS.provider, value: { 'oauth-oidc': { name: 'Ann' }, other: { kept: true } } }],
        updatedAt: 1,
      })
      t.clock.advance(3600) // the sign-in is no longer recent: the password is needed
      const account = () => t.request.put('/hserve/v2.1/user/account/').set(t.auth(ann.token))
      assertError(await account().send({ unlink_provider: 'oauth-oidc' }), 400, 'invalid_request', 'password')
      assert.equal((await t.store.getUserById(ann.id))!.identities.length, 1)
      assertError(await account().send({ unlink_provider: 'oauth-oidc', password: 'wrong password 1' }), 400, 'wrong_password', 'password')
      const res = await account().send({ unlink_provider: 'oauth-oidc', password: PASSWORD })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const after = (await t.store.getUserById(ann.id))!
      assert.deepEqual([after.identities, after.provider], [[], { other: { kept: true } }])
      assert.ok(events.some((e) => e.type === 'identity_unlinked' && e.userId === ann.id && e.method === 'oauth-oidc'))
    })

    it('refuses to unlink a provider the account is not linked to, naming unlink_provider', async () => {
      const t = await createTestApp({ backend, label: 'identity-unlink' })
      const ann = await t.signUp('username', 'ann')
      const bob = await t.signUp('username', 'bob')
      await t.store.linkIdentity(bob.id, OIDC)
      const res = await t.request.put('/hserve/v2.1/user/account/').set(t.auth(ann.token)).send({ unlink_provider: 'oauth-oidc', password: PASSWORD })
      assertError(res, 400, 'invalid_request', 'unlink_provider')
      assert.equal((await t.store.getUserById(bob.id))!.identities.length, 1)
    })

    it('never removes the last way to sign in; an identity counts as one', async () => {
      const t = await createTestApp({ backend, label: 'identity-unlink' })
      const ann = await t.signUp('username', 'ann')
      await t.store.linkIdentity(ann.id, OIDC)
      const account = () => t.request.put('/hserve/v2.1/user/account/').set(t.auth(ann.token))
      // With the identity left, the username may go.
      assert.equal((await account().send({ username: null })).status, 200)
      assertError(await account().send({ unlink_provider: 'oauth-oidc', password: PASSWORD }), 400, 'last_login_method')
      assert.equal((await t.store.getUserById(ann.id))!.identities.length, 1)
    })
  })
}
