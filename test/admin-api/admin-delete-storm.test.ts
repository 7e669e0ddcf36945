/**
 * 200 concurrent operator deletions of one account, racing the user's own deletion: the account is
 * deleted once (one `account_deleted` event), every other answer a 404, none a 5xx. On the
 * in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { UserRouterEvent } from '../../src/events.js'
import { backendSkips, BACKENDS, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from './admin-app.js'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`a storm of deletions of one account (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('deletes it once: one event, 404 for the others, no 5xx', async () => {
      const events: UserRouterEvent[] = []
      const t = await createAdminApp(backend, 'admin-delete-storm', { onEvent: (event) => void events.push(event) })
      const cookie = await t.signInAdmin('root')
      const { id, token } = await t.signUp('username', 'target')
      const admin = Array.from({ length: 200 }, () => t.request.delete(`/userve/v2.2/miniapp/user/account/${id}/`).set('Cookie', cookie))
      const own = t.request.post('/hserve/v2.0/user/account/destroy/').set(t.auth(token)).send({ password: PASSWORD })
      const answers = await Promise.all([...admin, own])
      const statuses = answers.map((res) => res.status)
      assert.ok(
        statuses.every((s) => s < 500),
        JSON.stringify(answers.filter((res) => res.status >= 500).map((res) => res.body)),
      )
      assert.ok(
        statuses.slice(0, 200).every((s) => s === 204 || s === 404),
        JSON.stringify([...new Set(statuses)]),
      )
      assert.equal(await t.store.getUserById(id), null)
      assert.equal(events.filter((e) => e.type === 'account_deleted').length, 1, 'one account_deleted event')
    })
  })
}
