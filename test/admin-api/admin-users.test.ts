/**
 * Admin API user routes (the admin API): list with `where`, field filters, order
 * (five fields unsortable), pages and counts; detail; single profile update (only the given
 * fields); bulk update's answer and its refusals, on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { NewUser } from '../../src/model/user.js'
import { assertError, backendSkips, BACKENDS, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp, type AdminTestApp } from './admin-app.js'

const T0 = 1_600_000_000

/** Five users created at T0 + 10 * n, and the admin's cookie. */
async function seed(t: AdminTestApp): Promise<{ cookie: string; ids: Record<string, number> }> {
  const rows: Omit<NewUser, 'createdAt'>[] = [
    { username: 'tom1', email: 'tom1@example.com', nickname: 'Tom One', gender: 1, city: 'Guangzhou', profile: { score: 10 } },
    { username: 'tom2', nickname: 'Tommy', gender: 1, profile: { score: 20 } },
    { username: 'tina', nickname: 'Tina', gender: 2, profile: { score: 30 } },
    { username: 'tom3', phone: '13800138000', nickname: 'old Tom', gender: 1, profile: { score: 40 } },
    { username: 'tom4', nickname: 'Tom Four', gender: 2, profile: { score: 50, tags: ['a'] } },
  ]
  const ids: Record<string, number> = {}
  for (const [n, row] of rows.entries()) ids[row.username!] = (await t.store.createUser({ ...row, createdAt: T0 + 10 * n })).id
  return { cookie: await t.signInAdmin('root'), ids }
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API user routes (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createAdminApp(backend, 'admin-users')

    it('lists users with the field filters, order and count of the admin API, showing every field', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const res = await t.request
        .get('/userve/v2.2/miniapp/user_profile/')
        .set('Cookie', cookie)
        .query({ nickname__contains: 'Tom', gender: 1, created_at__gt: T0, order_by: '-created_at', return_total_count: 1 })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(res.body.meta, { limit: 20, offset: 0, next: null, previous: null, total_count: 2 })
      assert.deepEqual(
        res.body.objects.map((u: { id: number }) => u.id),
        [ids.tom3, ids.tom2],
      )
      const tom3 = res.body.objects[0]
      assert.equal(tom3._phone, '13800138000')
      assert.equal(tom3.score, 40)
      assert.equal(tom3.user_id, ids.tom3)
      assert.ok('_email' in tom3 && '_provider' in tom3 && 'tags' in tom3)
    })

    it('lists with where JSON, limit, offset and next/previous links; counts only on request', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const where = JSON.stringify({ $or: [{ score: { $gte: 40 } }, { _email: { $icontains: 'TOM1' } }] })
      const first = await t.request.get('/userve/v2.2/miniapp/user_profile/').set('Cookie', cookie).query({ where, limit: 2, order_by: 'nickname' })
      assert.equal(first.status, 200, JSON.stringify(first.body))
      assert.equal(first.body.meta.total_count, undefined)
      assert.deepEqual(
        first.body.objects.map((u: { id: number }) => u.id),
        [ids.tom4, ids.tom1],
      )
      const second = await t.request.get(first.body.meta.next).set('Cookie', cookie)
      assert.deepEqual(
        second.body.objects.map((u: { id: number }) => u.id),
        [ids.tom3],
      )
      assert.equal(second.body.meta.next, null)
      assert.match(second.body.meta.previous, /offset=0/)
      const count = await t.request.get('/userve/v2.2/miniapp/user_profile/?limit=1&return_total_count=1').set('Cookie', cookie)
      assert.equal(count.body.meta.total_count, 6, 'five users and the admin')
    })

    it('refuses to sort on gender, country, province, city and language, and bad queries, with 400 naming the parameter', async () => {
      const t = await create()
      const { cookie } = await seed(t)
      const list = (query: Record<string, string>) => t.request.get('/userve/v2.2/miniapp/user_profile/').set('Cookie', cookie).query(query)
      for (const field of ['gender', 'country', 'province', 'city', 'language']) {
        assertError(await list({ order_by: field }), 400, 'invalid_query', 'order_by')
        assertError(await list({ order_by: `-${field}` }), 400, 'invalid_query', 'order_by')
      }
      assert.equal((await list({ order_by: '-score,nickname,_username' })).status, 200)
      assertError(await list({ where: '{"nickname":' }), 400, 'invalid_query', 'where')
      assertError(await list({ unknown__contains: 'x' }), 400, 'invalid_query', 'unknown__contains')
      assertError(await list({ gender: 'male' }), 400, 'invalid_query', 'gender')
      assertError(await list({ limit: '0' }), 400, 'invalid_query', 'limit')
    })

    it('answers one user in full, 404 for an unknown or malformed id', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const res = await t.request.get(`/userve/v2.2/miniapp/user_profile/${ids.tom1}/`).set('Cookie', cookie)
      assert.equal(res.status, 200)
      assert.equal(res.body._email, 'tom1@example.com')
      assert.equal(res.body.city, 'Guangzhou')
      const some = await t.request.get(`/userve/v2.2/miniapp/user_profile/${ids.tom1}/?keys=nickname,score`).set('Cookie', cookie)
      assert.deepEqual(some.body, { id: ids.tom1, nickname: 'Tom One', score: 10 })
      for (const id of ['999999', 'abc', '0', '-1']) assertError(await t.request.get(`/userve/v2.2/miniapp/user_profile/${id}/`).set('Cookie', cookie), 404, 'user_not_found')
    })

    it('updates one user: only the given fields change, atomically; 400 for bad fields, 404 for no user', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const put = (id: number | string, body: unknown) =>
        t.request
          .put(`/userve/v2.6/miniapp/user_profile/${id}/`)
          .set('Cookie', cookie)
          .send(body as object)
      const res = await put(ids.tom4!, { nickname: 'Four', score: { $incr_by: 5 }, tags: { $append: ['b'] } })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.nickname, 'Four')
      assert.equal(res.body.score, 55)
      assert.deepEqual(res.body.tags, ['a', 'b'])
      assert.equal(res.body.gender, 2, 'untouched fields keep their values')
      assert.equal(res.body._username, 'tom4')
      const statuses = await Promise.all(Array.from({ length: 50 }, () => put(ids.tom1!, { score: { $incr_by: 1 } }).then((r) => r.status)))
      assert.ok(statuses.every((s) => s === 200))
      assert.equal((await t.store.getUserById(ids.tom1!))?.profile.score, 60)
      assertError(await put(ids.tom4!, { created_at: 1 }), 400, 'invalid_update', 'created_at')
      assertError(await put(ids.tom4!, { undeclared: 1 }), 400, 'invalid_update', 'undeclared')
      assertError(await put(ids.tom4!, { score: 'ten', nickname: 'Not applied' }), 400, 'invalid_update', 'score')
      assert.equal((await t.store.getUserById(ids.tom4!))?.nickname, 'Four', 'a refused update changes nothing')
      assertError(await put(999999, { nickname: 'x' }), 404, 'user_not_found')
      assertError(await put('x', { nickname: 'x' }), 404, 'user_not_found')
    })

    it("bulk-updates the matching users, answering the admin API's operation_result, succeed, total_count, offset, limit, next", async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const where = JSON.stringify({ nickname: { $contains: 'Tom' } })
      const res = await t.request
        .put('/userve/v2.6/miniapp/user_profile/')
        .set('Cookie', cookie)
        .query({ where, return_total_count: 1, limit: 1000 })
        .send({ tags: { $append_unique: ['vip'] } })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      const expected = [ids.tom1, ids.tom2, ids.tom3, ids.tom4]
      assert.deepEqual(Object.keys(res.body).sort(), ['limit', 'next', 'offset', 'operation_result', 'succeed', 'total_count'])
      assert.deepEqual(
        res.body.operation_result.map((r: { success: { id: number } }) => r.success.id),
        expected,
      )
      for (const r of res.body.operation_result) assert.equal(typeof r.success.updated_at, 'number')
      assert.deepEqual([res.body.succeed, res.body.total_count, res.body.offset, res.body.limit, res.body.next], [4, 4, 0, 1000, null])
      assert.deepEqual((await t.store.getUserById(ids.tina!))?.profile.tags, undefined, 'non-matching users are untouched')
      assert.deepEqual((await t.store.getUserById(ids.tom4!))?.profile.tags, ['a', 'vip'])
      // Without return_total_count no count; the default limit is 20.
      const plain = await t.request.put('/userve/v2.6/miniapp/user_profile/').set('Cookie', cookie).query({ gender: 2 }).send({ city: 'Shenzhen' })
      assert.equal(plain.status, 200)
      assert.equal(plain.body.total_count, undefined)
      assert.deepEqual([plain.body.succeed, plain.body.limit], [2, 20])
    })

    it('reports users an update cannot apply to as errors, and applies it to the others', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const max = await t.request.put(`/userve/v2.6/miniapp/user_profile/${ids.tom2}/`).set('Cookie', cookie).send({ score: Number.MAX_SAFE_INTEGER })
      assert.equal(max.status, 200)
      const res = await t.request
        .put('/userve/v2.6/miniapp/user_profile/')
        .set('Cookie', cookie)
        .query({ _username__in: 'tom1,tom2' })
        .send({ score: { $incr_by: 1 } })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.equal(res.body.succeed, 1)
      const failed = res.body.operation_result.find((r: { error?: unknown }) => r.error)
      assert.equal(failed.error.id, ids.tom2)
      assert.equal(failed.error.code, 'invalid_update')
      assert.equal(typeof failed.error.error_msg, 'string')
      assert.equal((await t.store.getUserById(ids.tom1!))?.profile.score, 11)
    })

    it('refuses a bad bulk update with 400 before changing anyone', async () => {
      const t = await create()
      const { cookie, ids } = await seed(t)
      const bulk = (query: Record<string, string>, body: unknown) =>
        t.request
          .put('/userve/v2.6/miniapp/user_profile/')
          .set('Cookie', cookie)
          .query(query)
          .send(body as object)
      assertError(await bulk({}, { score: 'x', nickname: 'Changed' }), 400, 'invalid_update', 'score')
      assertError(await bulk({}, { id: 5 }), 400, 'invalid_update', 'id')
      assertError(await bulk({}, {}), 400, 'invalid_update', 'body')
      assertError(await bulk({ order_by: 'nickname' }, { nickname: 'Changed' }), 400, 'invalid_query', 'order_by')
      assertError(await bulk({ after_id: 'x' }, { nickname: 'Changed' }), 400, 'invalid_query', 'after_id')
      assertError(await bulk({ where: '[]' }, { nickname: 'Changed' }), 400, 'invalid_query', 'where')
      assertError(await bulk({ limit: '-1' }, { nickname: 'Changed' }), 400, 'invalid_query', 'limit')
      assert.equal((await t.store.getUserById(ids.tom1!))?.nickname, 'Tom One')
    })

    it('lists the users of one identity provider by _provider, and shows each identity', async () => {
      const t = await create()
      const { cookie } = await seed(t)
      const oidc = { provider: 'oauth-oidc', unionId: null, linkedAt: T0 }
      const ann = await t.store.createUserWithIdentity({ nickname: 'Ann', provider: { 'oauth-oidc': { name: 'Ann' } }, createdAt: T0 + 100 }, { ...oidc, subject: 'sub-ann' })
      const wechat = { provider: 'wechat', subject: 'o-bea', unionId: 'u-bea', linkedAt: T0 }
      const bea = await t.store.createUserWithIdentity({ nickname: 'Bea', provider: { wechat: { nickName: 'Bea' } }, createdAt: T0 + 110 }, wechat)
      const where = JSON.stringify({ _provider: { $has_key: 'oauth-oidc' } })
      const res = await t.request.get('/userve/v2.2/miniapp/user_profile/').set('Cookie', cookie).query({ where })
      assert.equal(res.status, 200, JSON.stringify(res.body))
      assert.deepEqual(
        res.body.objects.map((u: { id: number }) => u.id),
        [ann.id],
      )
      assert.deepEqual(res.body.objects[0]._provider, { 'oauth-oidc': { name: 'Ann', subject: 'sub-ann', unionid: null, linked_at: T0 } })
      const detail = await t.request.get(`/userve/v2.2/miniapp/user_profile/${bea.id}/`).set('Cookie', cookie)
      assert.deepEqual([detail.body.openid, detail.body.unionid], ['o-bea', 'u-bea'])
    })
  })
}
