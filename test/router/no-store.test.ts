/**
 * Answers that carry personal data are `Cache-Control: no-store`, so no browser or proxy cache keeps
 * them: the client API's user reads, profile and account changes; the admin API's own profile, user
 * list, user detail and changes; the phone API's answers to a signed-in user. The app's own routes,
 * even under the router's paths, get no such header from the router.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { backendSkips, BACKENDS, CLIENT, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from '../admin-api/admin-app.js'
import { basic } from '../phone-api/phone-app.js'

const OAUTH_CLIENT = { id: 'mobile-app', secret: 'mobile-app-secret' }

const skip = await backendSkips()
after(releaseTestResources)

function assertNoStore(res: { status: number; headers: Record<string, string>; body: unknown }, route: string, status = 200): void {
  assert.equal(res.status, status, `${route}: ${JSON.stringify(res.body)}`)
  assert.equal(res.headers['cache-control'], 'no-store', route)
}

for (const backend of BACKENDS) {
  describe(`no-store on personal data (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createAdminApp(backend, 'no-store', { admin: { authorize: () => true }, oauth: { clients: [OAUTH_CLIENT] } })

    it('marks the client API user reads, profile update and account change no-store', async () => {
      const t = await create()
      const ann = await t.signUp('username', 'ann')
      const bob = await t.signUp('username', 'bob')
      const auth = t.auth(ann.token)
      for (const version of ['v2.0', 'v2.2', 'v2.5']) {
        for (const id of [ann.id, bob.id]) {
          const path = `/hserve/${version}/user/info/${id}/`
          assertNoStore(await t.request.get(path).set(auth), path)
        }
      }
      for (const version of ['v2.0', 'v2.2']) {
        const path = `/hserve/${version}/user/info/`
        assertNoStore(await t.request.get(path).set(auth), path)
      }
      assertNoStore(await t.request.put('/hserve/v2.5/user/info/').set(auth).send({ nickname: 'Ann' }), 'PUT user/info')
      for (const version of ['v2.0', 'v2.1', 'v2.2']) {
        const path = `/hserve/${version}/user/account/`
        assertNoStore(
          await t.request
            .put(path)
            .set(auth)
            .send({ email: `ann-${version}@example.com`, password: PASSWORD }),
          path,
        )
      }
    })

    it('marks the admin API profile, list, detail and changes no-store', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      const admin = { Cookie: cookie }
      assertNoStore(await t.request.get('/userve/v1/user-profile/').set(admin), 'admin profile')
      assertNoStore(await t.request.get('/userve/v2.2/miniapp/user_profile/').set(admin), 'admin list')
      assertNoStore(await t.request.get(`/userve/v2.2/miniapp/user_profile/${id}/`).set(admin), 'admin detail')
      assertNoStore(await t.request.put(`/userve/v2.6/miniapp/user_profile/${id}/`).set(admin).send({ nickname: 'v' }), 'admin update')
      assertNoStore(
        await t.request
          .put('/userve/v2.6/miniapp/user_profile/')
          .query({ where: JSON.stringify({ id: { $eq: id } }) })
          .set(admin)
          .send({ nickname: 'w' }),
        'admin bulk update',
      )
      assertNoStore(await t.request.put(`/userve/v2.2/miniapp/user/account/${id}/`).set(admin).send({ username: 'victim2' }), 'admin account')
    })

    it("marks the phone API's answer to a signed-in user no-store", async () => {
      const t = await create()
      await t.signUp('username', 'ann')
      const grant = await t.request
        .post('/oauth/token')
        .set('Authorization', basic(OAUTH_CLIENT))
        .type('form')
        .send({ grant_type: 'password', username: 'ann', password: PASSWORD })
      assert.equal(grant.status, 200, JSON.stringify(grant.body))
      const update = await t.request
        .put('/api/v1/users/update')
        .set('Authorization', `Bearer ${String(grant.body.access_token)}`)
        .send({ name: 'ann2', password: PASSWORD, password_confirmation: PASSWORD, current_password: PASSWORD })
      assertNoStore(update, 'phone update')
    })

    it("leaves the app's own routes alone, even under the router's paths", async () => {
      const t = await create()
      const { token } = await t.signUp('username', 'ann')
      t.app.get('/hserve/v2.0/app-extra', (_req, res) => void res.json({ ok: true }))
      t.app.get('/profile', (_req, res) => void res.json({ ok: true }))
      const extra = await t.request.get('/hserve/v2.0/app-extra').set({ ...CLIENT, Authorization: `Hydrogen-r1 ${token}` })
      assert.deepEqual([extra.status, extra.headers['cache-control']], [200, undefined])
      const own = await t.request.get('/profile').set({ ...CLIENT, Authorization: `Hydrogen-r1 ${token}` })
      assert.deepEqual([own.status, own.headers['cache-control']], [200, undefined])
    })
  })
}
