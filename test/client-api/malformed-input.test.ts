/**
 * Hostile and malformed input: every case answers 4xx with a clear message, none answers 5xx, and
 * none creates or changes anything.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import { BACKENDS, backendSkips, CLIENT, closeTestApps, countUsers, createTestApp, PASSWORD, releaseTestResources } from '../helpers/test-app.js'

const skip = await backendSkips()
after(releaseTestResources)

type Case = { name: string; method: 'post' | 'put' | 'get'; path: string; body?: unknown; raw?: string; query?: string; auth?: boolean }

const big = 'x'.repeat(300 * 1024)
const CASES: Case[] = [
  { name: 'bad JSON', method: 'post', path: '/hserve/v2.1/register/username/', raw: '{"username": "a", "password": ' },
  { name: 'a JSON array body', method: 'post', path: '/hserve/v2.1/register/username/', raw: '["a"]' },
  { name: 'a number as username', method: 'post', path: '/hserve/v2.1/register/username/', body: { username: 42, password: PASSWORD } },
  { name: 'an object as password', method: 'post', path: '/hserve/v2.1/register/username/', body: { username: 'eve', password: { $gt: '' } } },
  { name: 'operator injection in login', method: 'post', path: '/hserve/v2.1/login/username/', body: { username: { $ne: null }, password: { $ne: null } } },
  { name: 'operator injection in register', method: 'post', path: '/hserve/v2.1/register/email/', body: { email: { $ne: null }, password: PASSWORD } },
  { name: 'a NUL byte in the username', method: 'post', path: '/hserve/v2.1/register/username/', body: { username: 'ev\u0000e', password: PASSWORD } },
  { name: 'a NUL byte in the password', method: 'post', path: '/hserve/v2.1/register/username/', body: { username: 'eve', password: 'pass\u0000word' } },
  { name: 'a lone surrogate in the e-mail', method: 'post', path: '/hserve/v2.1/register/email/', body: { email: 'a\ud800@b.cd', password: PASSWORD } },
  { name: 'a 300 KB username', method: 'post', path: '/hserve/v2.1/register/username/', body: { username: big, password: PASSWORD } },
  { name: 'a 300 KB profile field', method: 'put', path: '/hserve/v2.5/user/info/', body: { nickname: big }, auth: true },
  { name: 'a NUL byte in a profile field', method: 'put', path: '/hserve/v2.5/user/info/', body: { nickname: 'a\u0000' }, auth: true },
  { name: 'a read-only field in a profile update', method: 'put', path: '/hserve/v2.5/user/info/', body: { id: 1 }, auth: true },
  { name: 'an unknown operator in a profile update', method: 'put', path: '/hserve/v2.5/user/info/', body: { nickname: { $where: '1' } }, auth: true },
  { name: 'a wrong type in an account change', method: 'put', path: '/hserve/v2.2/user/account/', body: { username: ['a'] }, auth: true },
  { name: 'an unknown where operator', method: 'get', path: '/hserve/v2.2/user/info/', query: `where=${encodeURIComponent('{"nickname":{"$where":"sleep(10)"}}')}`, auth: true },
  { name: 'an unknown where field', method: 'get', path: '/hserve/v2.2/user/info/', query: `where=${encodeURIComponent('{"password_hash":{"$ne":null}}')}`, auth: true },
  {
    name: 'where injection with $ne null on a hidden field',
    method: 'get',
    path: '/hserve/v2.2/user/info/',
    query: `where=${encodeURIComponent('{"_email":{"$ne":null}}')}`,
    auth: true,
  },
  { name: 'malformed where JSON', method: 'get', path: '/hserve/v2.2/user/info/', query: 'where=%7B%22a', auth: true },
  { name: 'a negative limit', method: 'get', path: '/hserve/v2.2/user/info/', query: 'limit=-1', auth: true },
  { name: 'a non-numeric limit', method: 'get', path: '/hserve/v2.2/user/info/', query: 'limit=ten', auth: true },
  { name: 'a non-numeric offset', method: 'get', path: '/hserve/v2.2/user/info/', query: 'offset=1e3', auth: true },
  { name: 'a repeated parameter', method: 'get', path: '/hserve/v2.2/user/info/', query: 'gender=1&gender=2', auth: true },
  { name: 'a nested parameter', method: 'get', path: '/hserve/v2.2/user/info/', query: 'gender[$ne]=1', auth: true },
  { name: 'an unknown order field', method: 'get', path: '/hserve/v2.2/user/info/', query: 'order_by=password', auth: true },
  {
    name: 'a catastrophic regular expression',
    method: 'get',
    path: '/hserve/v2.2/user/info/',
    query: `where=${encodeURIComponent('{"nickname":{"$regex":"(a+)+$\\\\1"}}')}`,
    auth: true,
  },
]

for (const backend of BACKENDS) {
  describe(`malformed input (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('answers every malformed request with a 4xx naming the problem, and changes nothing', async () => {
      const t = await createTestApp({ backend, label: 'malformed' })
      const { token, id } = await t.signUp('username', 'owner')
      const before = await t.store.getUserById(id)
      for (const c of CASES) {
        let req = t.request[c.method](c.path + (c.query ? `?${c.query}` : '')).set(c.auth ? t.auth(token) : CLIENT)
        if (c.raw !== undefined) req = req.set('Content-Type', 'application/json').send(c.raw)
        else if (c.body !== undefined) req = req.send(c.body as object)
        const res = await req
        assert.ok(res.status >= 400 && res.status < 500, `${c.name}: status ${res.status} ${JSON.stringify(res.body)}`)
        assert.equal(typeof res.body.error_msg, 'string', `${c.name}: ${JSON.stringify(res.body)}`)
        assert.ok(res.body.error_msg.length > 0 && res.body.error_msg.length < 500, `${c.name}: a short, readable message`)
        assert.equal(typeof res.body.code, 'string', c.name)
      }
      assert.equal(await countUsers(t.store), 1, 'nothing was created')
      assert.deepEqual(await t.store.getUserById(id), before, 'nothing was changed')
      assert.deepEqual(t.logger.errors, [], 'no internal error was logged')
    })
  })
}
