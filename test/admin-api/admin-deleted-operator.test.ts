/**
 * An operator whose account is deleted (by themselves through the client API, or by another
 * operator) loses the admin API at the next request: the cookie of the deleted account opens
 * nothing, even once a new account takes the username. On the in-memory backend and on
 * PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`the admin sessions of a deleted operator (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('end at the next request, whoever deleted the account, and stay ended when the username is taken again', async () => {
      const t = await createAdminApp(backend, 'admin-deleted-operator')
      const root = await t.signInAdmin('root')
      const ops = await t.signInAdmin('ops')
      const opsUser = await t.store.getUserByIdentifier('username', 'ops')
      const rootToken = await t.login('username', 'root')

      const self = await t.request.post('/hserve/v2.0/user/account/destroy/').set(t.auth(rootToken)).send({ password: PASSWORD })
      assert.equal(self.status, 201, JSON.stringify(self.body))
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', root), 401, 'unauthenticated')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', ops)).status, 200)

      const fresh = await t.signInAdmin('root')
      assert.equal((await t.request.delete(`/userve/v2.2/miniapp/user/account/${opsUser!.id}/`).set('Cookie', fresh)).status, 204)
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', ops), 401, 'unauthenticated')
      // The username taken again, with the same password: the old cookie still opens nothing.
      const again = await t.request.post('/hserve/v2.0/register/username/').set(CLIENT).send({ username: 'ops', password: PASSWORD })
      assert.equal(again.status, 201, JSON.stringify(again.body))
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', ops), 401, 'unauthenticated')
    })
  })
}
