/**
 * Hostile and malformed input to the admin API: every case answers 4xx with a clear message, none
 * answers 5xx or logs an internal error, and none changes anything. Also the admin API in an
 * Express 4 app.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import express4 from 'express4'
import supertest from 'supertest'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter } from '../../src/index.js'
import { backendSkips, BACKENDS, closeTestApps, PASSWORD, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp, SESSION_SECRET, sessionCookie } from './admin-app.js'

type Case = { name: string; method: 'post' | 'put' | 'get'; path: string; body?: unknown; raw?: string; query?: string }

const big = 'x'.repeat(300 * 1024)
const PROFILE = '/userve/v2.6/miniapp/user_profile/'
const CASES: Case[] = [
  { name: 'bad JSON at sign-in', method: 'post', path: '/userve/v1/login/', raw: '{"username": "root", "password": ' },
  { name: 'operator injection at sign-in', method: 'post', path: '/userve/v1/login/', body: { username: { $ne: null }, password: { $ne: null } } },
  { name: 'a 300 KB password', method: 'post', path: '/userve/v1/login/', body: { username: 'root', password: big } },
  { name: 'a JSON array as update', method: 'put', path: `${PROFILE}2/`, raw: '["a"]' },
  { name: 'a 300 KB nickname', method: 'put', path: `${PROFILE}2/`, body: { nickname: big } },
  { name: 'a NUL byte in a nickname', method: 'put', path: `${PROFILE}2/`, body: { nickname: 'a\u0000' } },
  { name: 'an unknown update operator', method: 'put', path: `${PROFILE}2/`, body: { nickname: { $where: '1' } } },
  { name: 'a password hash in an update', method: 'put', path: `${PROFILE}2/`, body: { password_hash: 'x' } },
  { name: 'a bulk update with a malformed where', method: 'put', path: PROFILE, query: 'where=%7B%22a', body: { nickname: 'x' } },
  { name: 'a bulk update with a repeated parameter', method: 'put', path: PROFILE, query: 'gender=1&gender=2', body: { nickname: 'x' } },
  { name: 'a bulk update with a nested parameter', method: 'put', path: PROFILE, query: 'gender[$ne]=1', body: { nickname: 'x' } },
  { name: 'a bulk update with a huge after_id', method: 'put', path: PROFILE, query: `after_id=${'9'.repeat(40)}`, body: { nickname: 'x' } },
  { name: 'an account change with an array username', method: 'put', path: '/userve/v2.2/miniapp/user/account/2/', body: { username: ['a'] } },
  { name: 'an account change with an object password', method: 'put', path: '/userve/v2.2/miniapp/user/account/2/', body: { new_password: { $gt: '' } } },
  {
    name: 'a list with a catastrophic regular expression',
    method: 'get',
    path: '/userve/v2.2/miniapp/user_profile/',
    query: `where=${encodeURIComponent('{"nickname":{"$regex":"(a+)+$\\\\1"}}')}`,
  },
  { name: 'a list sorted on city', method: 'get', path: '/userve/v2.2/miniapp/user_profile/', query: 'order_by=city' },
  { name: 'a huge user id', method: 'get', path: `/userve/v2.2/miniapp/user_profile/${'9'.repeat(40)}/` },
]

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API malformed input (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('answers every malformed request with a 4xx naming the problem, and changes nothing', async () => {
      const t = await createAdminApp(backend, 'admin-malformed')
      const cookie = await t.signInAdmin('root')
      const { id } = await t.signUp('username', 'target')
      assert.equal(id, 2)
      const before = await t.store.getUserById(id)
      for (const c of CASES) {
        const url = c.query ? `${c.path}?${c.query}` : c.path
        let req = t.request[c.method](url).set('Cookie', cookie)
        if (c.raw !== undefined) req = req.set('Content-Type', 'application/json').send(c.raw)
        else if (c.body !== undefined) req = req.send(c.body as object)
        const res = await req
        assert.ok(res.status >= 400 && res.status < 500, `${c.name}: ${res.status} ${JSON.stringify(res.body)}`)
        assert.equal(typeof res.body.error_msg, 'string', c.name)
        assert.equal(typeof res.body.code, 'string', c.name)
      }
      assert.deepEqual(await t.store.getUserById(id), before)
      assert.deepEqual(t.logger.errors, [])
    })
  })
}

describe('admin API in an Express 4 app', () => {
  it('signs in, lists, updates and signs out', async () => {
    const app = express4()
    const router = createUserRouter({
      storage: new MemoryUserStore(),
      redis: new MemoryKeyValueStore(),
      clients: ['c1'],
      password: { scrypt: { logN: 4 } },
      logger: { warn() {}, error() {} },
      sessionSecret: SESSION_SECRET,
      admin: { authorize: (user) => user.username === 'root' },
    })
    app.use('/v', router as unknown as express4.RequestHandler)
    const request = supertest(app)
    await request.post('/v/hserve/v2.1/register/username/').set('X-Hydrogen-Client-ID', 'c1').send({ username: 'root', password: PASSWORD })
    const cookie = sessionCookie(await request.post('/v/userve/v1/login/').send({ username: 'root', password: PASSWORD }))
    const list = await request.get('/v/userve/v2.2/miniapp/user_profile/?_username__contains=ro&return_total_count=1').set('Cookie', cookie)
    assert.equal(list.status, 200, JSON.stringify(list.body))
    assert.equal(list.body.meta.total_count, 1)
    assert.match(String((await request.get('/v/userve/v2.2/miniapp/user_profile/?limit=0').set('Cookie', cookie)).body.code), /invalid_query/)
    const bulk = await request.put('/v/userve/v2.6/miniapp/user_profile/?limit=1').set('Cookie', cookie).send({ nickname: 'Root' })
    assert.equal(bulk.status, 200, JSON.stringify(bulk.body))
    assert.equal(bulk.body.succeed, 1)
    assert.equal((await request.post('/v/userve/v1/logout/').set('Cookie', cookie)).status, 200)
    assert.equal((await request.get('/v/userve/v1/user-profile/').set('Cookie', cookie)).status, 401)
  })
})
