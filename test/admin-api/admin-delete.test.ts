/**
 * The admin API's deletion, DELETE /userve/v2.2/miniapp/user/account/:id/: 204, the user and every
 * token of it gone, the event for the app, 404 for an unknown user, and the operator's own account
 * refused; on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API account deletion (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('deletes a user with 204: its tokens are refused, the row is gone, the username is free for a new id', async () => {
      const events: UserRouterEvent[] = []
      const t = await createAdminApp(backend, 'admin-delete', { onEvent: (event) => void events.push(event) })
      const cookie = await t.signInAdmin('root')
      const { id, token } = await t.signUp('username', 'alice')
      const bystander = await t.signUp('username', 'bob')
      const del = (userId: number | string) => t.request.delete(`/userve/v2.2/miniapp/user/account/${userId}/`).set('Cookie', cookie)

      const res = await del(id)
      assert.equal(res.status, 204, JSON.stringify(res.body))
      assert.equal(res.text, '')
      assert.equal(await t.store.getUserById(id), null)
      if (t.postgres) {
        const rows = await t.postgres.pool.query(`SELECT id FROM "${t.postgres.schema}".user_router_users WHERE id = $1`, [id])
        assert.equal(rows.rowCount, 0, 'the row is gone from PostgreSQL')
      }
      assertError(await t.request.get('/hserve/v2.2/user/info/').set(t.auth(token)), 401, 'unauthenticated')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(t.auth(bystander.token))).status, 200)
      assert.deepEqual(
        events.filter((e) => e.type === 'account_deleted').map((e) => [e.userId, e.method]),
        [[id, 'admin']],
      )
      assertError(await del(id), 404, 'user_not_found')
      assertError(await del(999_999), 404, 'user_not_found')
      assertError(await del('abc'), 404, 'user_not_found')
      const again = await t.signUp('username', 'alice')
      assert.ok(again.id > bystander.id, 'a new id, never the deleted one')
    })

    it("leaves none of an operator's admin sessions in the key-value store when the operator deletes their account through the client API", {
      skip: backend === 'memory' && 'no Redis',
    }, async () => {
      const t = await createAdminApp(backend, 'admin-delete')
      const cookie = await t.signInAdmin('carol')
      const login = await t.request.post('/hserve/v2.1/login/username/').set(CLIENT).send({ username: 'carol', password: PASSWORD })
      assert.equal(login.status, 201, JSON.stringify(login.body))
      const { user_id: id, token } = login.body as { user_id: number; token: string }
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
      const deleted = await t.request.post('/hserve/v2.0/user/account/destroy/').set(t.auth(token)).send({ password: PASSWORD })
      assert.equal(deleted.status, 201, JSON.stringify(deleted.body))
      const { client, prefix } = t.redisKeys!
      const left: string[] = []
      for (const key of await client.keys(`${prefix}*`)) {
        const value = (await client.type(key)) === 'string' ? await client.get(key) : (await client.smembers(key)).join('\n')
        if (/admin-grant/.test(key) || (key.includes('admin-session:') && value?.includes(`"userId":${id}`))) left.push(key)
      }
      assert.deepEqual(left, [], "the operator's admin session and its grant are gone")
      assertError(await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie), 401, 'unauthenticated')
    })

    it("refuses to delete the operator's own account", async () => {
      const t = await createAdminApp(backend, 'admin-delete')
      const cookie = await t.signInAdmin('root')
      const root = await t.store.getUserByIdentifier('username', 'root')
      const res = await t.request.delete(`/userve/v2.2/miniapp/user/account/${root!.id}/`).set('Cookie', cookie)
      assertError(res, 400, 'invalid_request')
      assert.match(res.body.error_msg, /own account/)
      assert.ok(await t.store.getUserById(root!.id))
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200)
    })
  })
}
