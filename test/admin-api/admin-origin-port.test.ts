/**
 * The admin API's same-origin check compares the whole origin: scheme, host and port. A page on
 * `http://` (or on another port) of the API's own host is another origin, and its state-changing
 * requests are refused with 403 `cross_site_request`. The request's scheme is Express's
 * `req.protocol`, so behind a trusted proxy `X-Forwarded-Proto` counts.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, BACKENDS, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp } from './admin-app.js'

const HOST = 'api.example.com'
const DASHBOARD = 'http://dashboard.example.com:8080'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API same-origin check: scheme and port (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = async () => {
      const t = await createAdminApp(backend, 'admin-origin', { admin: { authorize: () => true, trustedOrigins: [DASHBOARD] } })
      // The test talks to the app from 127.0.0.1, a proxy the app trusts to name the scheme.
      t.app.set('trust proxy', 'loopback')
      const { id } = await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      const put = (nickname: string) => t.request.put(`/userve/v2.6/miniapp/user_profile/${id}/`).set('Cookie', cookie).set('Host', HOST).send({ nickname })
      return { t, id, put }
    }

    it('refuses a page on http:// of the host when the request came over https', async () => {
      const { t, id, put } = await create()
      assertError(await put('a').set('X-Forwarded-Proto', 'https').set('Origin', `http://${HOST}`), 403, 'cross_site_request')
      assertError(await put('b').set('X-Forwarded-Proto', 'https').set('Referer', `http://${HOST}/admin`), 403, 'cross_site_request')
      assert.equal((await t.store.getUserById(id))?.nickname, '')
    })

    it('refuses a page on https:// of the host when the request came over http', async () => {
      const { t, id, put } = await create()
      assertError(await put('a').set('Origin', `https://${HOST}`), 403, 'cross_site_request')
      assertError(await put('b').set('X-Forwarded-Proto', 'http').set('Referer', `https://${HOST}/admin`), 403, 'cross_site_request')
      assert.equal((await t.store.getUserById(id))?.nickname, '')
    })

    it('refuses another port of the same host', async () => {
      const { t, id, put } = await create()
      assertError(await put('a').set('X-Forwarded-Proto', 'https').set('Origin', `https://${HOST}:8443`), 403, 'cross_site_request')
      assertError(await put('b').set('Origin', `http://${HOST}:8080`), 403, 'cross_site_request')
      assert.equal((await t.store.getUserById(id))?.nickname, '')
    })

    it('lets the same scheme, host and port through, default ports written or not, and trusted origins', async () => {
      const { t, id, put } = await create()
      assert.equal((await put('a').set('X-Forwarded-Proto', 'https').set('Origin', `https://${HOST}`)).status, 200)
      assert.equal((await put('b').set('X-Forwarded-Proto', 'https').set('Host', `${HOST}:443`).set('Origin', `https://${HOST}`)).status, 200)
      assert.equal((await put('c').set('Referer', `http://${HOST}/users?page=2`)).status, 200)
      assert.equal((await put('d').set('X-Forwarded-Proto', 'https').set('Origin', DASHBOARD)).status, 200)
      assert.equal((await t.store.getUserById(id))?.nickname, 'd')
    })

    it('ignores X-Forwarded-Proto from a client the app does not trust as a proxy', async () => {
      const { t, id, put } = await create()
      t.app.set('trust proxy', false)
      assertError(await put('a').set('X-Forwarded-Proto', 'https').set('Origin', `https://${HOST}`), 403, 'cross_site_request')
      assert.equal((await put('b').set('X-Forwarded-Proto', 'https').set('Origin', `http://${HOST}`)).status, 200)
      assert.equal((await t.store.getUserById(id))?.nickname, 'b')
    })
  })
}
