/**
 * The admin API of the example app, run as a child process: the admin seeded on
 * first start (random password printed once, or ADMIN_PASSWORD), and the admin API's axios example run
 * as written after an admin sign-in. Node's axios keeps no cookies (`withCredentials` only matters
 * in browsers), so the instance carries the session cookie of the sign-in answer in its headers,
 * as a browser's cookie jar would. Run after a build.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import axiosModule from 'axios'
import { startExampleApp, type ExampleApp } from '../browser/example-app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const DEMO = { 'X-Hydrogen-Client-ID': 'demo' }
const ADMIN_PASSWORD = 'example admin password 1'

/** Registers a user through the example's client API and sets its profile. */
async function addUser(base: string, username: string, profile: Record<string, unknown>): Promise<number> {
  const http = axiosModule.create({ baseURL: base, headers: DEMO })
  const { data } = await http.post('/hserve/v2.1/register/username/', { username, password: 'user password 1' })
  await http.put('/hserve/v2.5/user/info/', profile, { headers: { Authorization: `Hydrogen-r1 ${data.token}` } })
  return data.id as number
}

/** Signs the admin in; answers `name=value` of the session cookie. */
async function adminCookie(base: string, username: string, password: string): Promise<string> {
  const res = await axiosModule.post(`${base}/userve/v1/login/`, { username, password })
  assert.equal(res.status, 200)
  const cookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('eur.admin='))
  assert.ok(cookie, 'a session cookie')
  return cookie.split(';')[0]!
}

describe('example app admin API', () => {
  let app: ExampleApp
  before(async () => {
    app = await startExampleApp(SERVER_SCRIPT, { ADMIN_USERNAME: 'boss', ADMIN_PASSWORD })
  })
  after(() => app?.stop())

  it("runs the admin API's list example as written after an admin sign-in", async () => {
    const toms = [await addUser(app.url, 'tom_a', { nickname: 'Tom A', gender: 1 }), await addUser(app.url, 'tom_b', { nickname: 'Big Tom', gender: 1 })]
    await addUser(app.url, 'tom_c', { nickname: 'Tomasina', gender: 2 })
    await addUser(app.url, 'jerry', { nickname: 'Jerry', gender: 1 })
    const cookie = await adminCookie(app.url, 'boss', ADMIN_PASSWORD)

    // The admin API's example, word for word but for the host and the cookie a browser would keep.
    var axios = axiosModule.create({
      withCredentials: true,
      headers: { Cookie: cookie },
    })
    const res = await axios.get(`${app.url}/userve/v2.2/miniapp/user_profile/`, {
      params: {
        nickname__contains: 'Tom',
        gender: 1,
        created_at__gt: 1483228800,
        order_by: '-created_at',
        return_total_count: 1,
      },
    })

    assert.equal(res.status, 200)
    assert.deepEqual(res.data.meta, { limit: 20, next: null, offset: 0, previous: null, total_count: 2 })
    assert.deepEqual(res.data.objects.map((u: { user_id: number }) => u.user_id).sort(), [...toms].sort())
    const created = res.data.objects.map((u: { created_at: number }) => u.created_at)
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
      'newest first',
    )
    for (const user of res.data.objects) assert.equal(user.gender, 1)
  })

  it('refuses the same request without the admin cookie', async () => {
    const res = await axiosModule.get(`${app.url}/userve/v2.2/miniapp/user_profile/`, { withCredentials: true, validateStatus: () => true })
    assert.equal(res.status, 401)
    assert.equal(res.data.code, 'unauthenticated')
  })
})

describe('example app admin seeding', () => {
  it('creates the admin on first start with a random password printed once, and keeps it on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eur-admin-seed-'))
    const env = { DATABASE_URL: join(dir, 'example.sqlite'), ADMIN_PASSWORD: '' }
    try {
      const first = await startExampleApp(SERVER_SCRIPT, env)
      let password: string
      try {
        password = /export ADMIN_PASSWORD='([^']+)'/.exec(first.output())?.[1] ?? ''
        assert.ok(password.length >= 16, first.output())
        await adminCookie(first.url, 'admin', password)
      } finally {
        await first.stop()
      }
      const second = await startExampleApp(SERVER_SCRIPT, env)
      try {
        assert.ok(!second.output().includes(password), 'the password is printed only once')
        await adminCookie(second.url, 'admin', password)
      } finally {
        await second.stop()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
