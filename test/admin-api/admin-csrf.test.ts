/**
 * CSRF protection of the cookie-authenticated admin API: state-changing requests whose Origin (or
 * Referer) is another site are refused with 403 `cross_site_request` and change nothing; the API's
 * own host and `admin.trustedOrigins` pass, the latter with credentialed CORS.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { assertError, backendSkips, BACKENDS, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { ADMIN_ROUTES, createAdminApp, setCookies } from './admin-app.js'

const EVIL = 'https://evil.example'
const DASHBOARD = 'https://dashboard.example.com'

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API CSRF protection (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createAdminApp(backend, 'admin-csrf', { admin: { authorize: () => true, trustedOrigins: [`${DASHBOARD}/`] } })

    it('refuses a cross-site sign-in, even with the right password, and sets no cookie', async () => {
      const t = await create()
      await t.signUp('username', 'root')
      for (const headers of [{ Origin: EVIL }, { Referer: `${EVIL}/login.html` }, { Origin: 'null' }, { Referer: 'not a url' }]) {
        const res = await t.adminLogin({ username: 'root', password: PASSWORD }).set(headers)
        assertError(res, 403, 'cross_site_request')
        assert.deepEqual(setCookies(res), [])
      }
    })

    it('refuses cross-site updates and sign-out with a valid admin cookie, changing nothing', async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      const writes = ADMIN_ROUTES.filter(([method]) => method !== 'get').map(([method, path, body]) => [method as 'put' | 'delete', path.replace('/1/', `/${id}/`), body] as const)
      for (const headers of [{ Origin: EVIL }, { Referer: `${EVIL}/page` }, { Origin: 'null' }, { Origin: EVIL, Referer: 'http://127.0.0.1/' }]) {
        for (const [method, path, body] of writes) assertError(await t.request[method](path).set('Cookie', cookie).set(headers).send(body), 403, 'cross_site_request')
        assertError(await t.request.post('/userve/v1/logout/').set('Cookie', cookie).set(headers), 403, 'cross_site_request')
      }
      const victim = await t.store.getUserById(id)
      assert.equal(victim?.username, 'victim')
      assert.equal(victim?.nickname, '')
      assert.equal((await t.request.get('/userve/v1/user-profile/').set('Cookie', cookie)).status, 200, 'the session survived')
    })

    it("lets the API's own origin, trusted origins, and requests without Origin or Referer through", async () => {
      const t = await create()
      const { id } = await t.signUp('username', 'victim')
      const cookie = await t.signInAdmin('root')
      const put = (nickname: string) => t.request.put(`/userve/v2.6/miniapp/user_profile/${id}/`).set('Cookie', cookie).send({ nickname })
      // The test server speaks plain HTTP: its own origin is http:// (https:// is another origin).
      assert.equal((await put('a').set('Host', 'admin.example.com').set('Origin', 'http://admin.example.com')).status, 200)
      assert.equal((await put('b').set('Host', 'admin.example.com:8443').set('Referer', 'http://admin.example.com:8443/users?page=2')).status, 200)
      assert.equal((await put('c').set('Origin', DASHBOARD)).status, 200)
      assert.equal((await put('d')).status, 200)
      assertError(await put('e').set('Host', 'admin.example.com').set('Origin', 'https://admin.example.com.evil.example'), 403, 'cross_site_request')
      assertError(await put('e').set('Host', 'admin.example.com').set('Origin', 'https://admin.example.com:444'), 403, 'cross_site_request')
      assert.equal((await t.store.getUserById(id))?.nickname, 'd')
    })

    it('answers credentialed CORS to trusted origins only', async () => {
      const t = await create()
      const preflight = (origin: string) => t.request.options('/userve/v2.6/miniapp/user_profile/').set('Origin', origin).set('Access-Control-Request-Method', 'PUT')
      const trusted = await preflight(DASHBOARD)
      assert.equal(trusted.status, 204)
      assert.equal(trusted.headers['access-control-allow-origin'], DASHBOARD)
      assert.equal(trusted.headers['access-control-allow-credentials'], 'true')
      const other = await preflight(EVIL)
      assert.equal(other.headers['access-control-allow-origin'], undefined)
      const read = await t.request.get('/userve/v1/user-profile/').set('Origin', EVIL)
      assert.equal(read.status, 401)
      assert.equal(read.headers['access-control-allow-origin'], undefined, 'another site cannot read admin answers')
    })
  })
}
