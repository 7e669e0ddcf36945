/**
 * A sign-in racing the deletion of its account: a sign-in that found the user just before the
 * deletion must not leave a working token of the deleted account. The sign-in is held right after
 * its lookup while the account is deleted. On the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { IdentifierKind, StoredUser } from '../../src/model/user.js'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createDeletionApp, type DeletionTestApp } from './deletion-app.js'

const skip = await backendSkips()
after(releaseTestResources)

/** Holds the next lookup of the identifier after it read the user, until `release()`; `reached` settles when it is held. */
function holdLookup(t: DeletionTestApp, kind: IdentifierKind, identifier: string): { reached: Promise<void>; release: () => void } {
  const store = t.store
  const original = store.getUserByIdentifier.bind(store)
  let release!: () => void
  let reach!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const reached = new Promise<void>((resolve) => {
    reach = resolve
  })
  store.getUserByIdentifier = async (lookedUp, value): Promise<StoredUser | null> => {
    const user = await original(kind, value)
    if (lookedUp !== kind || value !== identifier) return user
    store.getUserByIdentifier = original
    reach()
    await gate
    return user
  }
  return { reached, release }
}

for (const backend of BACKENDS) {
  describe(`a sign-in racing the deletion of its account (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('leaves no working token of the deleted account', async () => {
      const t = await createDeletionApp(backend)
      const { id, token } = await t.signUp('username', 'vanishing')
      const held = holdLookup(t, 'username', 'vanishing')
      const signIn = t.request
        .post('/hserve/v2.0/login/username/')
        .set(CLIENT)
        .send({ username: 'vanishing', password: PASSWORD })
        .then((res) => res)
      await held.reached
      const deleted = await t.destroy(token, { password: PASSWORD })
      assert.equal(deleted.status, 201, JSON.stringify(deleted.body))
      held.release()
      const res = await signIn
      await t.assertGone(id)
      assert.ok(res.status < 500, `${res.status} ${JSON.stringify(res.body)}`)
      if (res.status === 201) {
        const info = await t.request.get('/hserve/v2.2/user/info/').set(t.auth(res.body.token as string))
        assert.equal(info.status, 401, `the token of a sign-in that raced the deletion still works: ${info.status} ${JSON.stringify(info.body)}`)
      }
    })

    it('leaves no working OAuth token of the deleted account', async () => {
      const t = await createDeletionApp(backend)
      const phone = '13800138021'
      const { id, token } = await t.signUp('phone', phone)
      const held = holdLookup(t, 'phone', phone)
      const grant = t.token({ grant_type: 'password', username: phone, password: PASSWORD })
      await held.reached
      const deleted = await t.destroy(token, { password: PASSWORD })
      assert.equal(deleted.status, 201, JSON.stringify(deleted.body))
      held.release()
      const res = await grant
      await t.assertGone(id)
      assert.ok(res.status < 500, `${res.status} ${JSON.stringify(res.body)}`)
      if (res.status === 200) {
        const info = await t.request
          .get('/hserve/v2.2/user/info/')
          .set(CLIENT)
          .set('Authorization', `Bearer ${res.body.access_token as string}`)
        assert.equal(info.status, 401, `the access token of a grant that raced the deletion still works: ${info.status}`)
        const refreshed = await t.token({ grant_type: 'refresh_token', refresh_token: String(res.body.refresh_token) })
        assert.equal(refreshed.status, 400, `the refresh token of a grant that raced the deletion still works: ${JSON.stringify(refreshed.body)}`)
      }
    })
  })
}
