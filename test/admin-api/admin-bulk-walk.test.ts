/**
 * The admin bulk update over many users: a walk through `next` updates each matching
 * user exactly once, also when the update takes users out of the match, and atomic operators hold
 * when bulk updates run concurrently; on the in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { NewUser } from '../../src/model/user.js'
import { backendSkips, BACKENDS, closeTestApps, releaseTestResources } from '../helpers/test-app.js'
import { createAdminApp, type AdminTestApp } from './admin-app.js'

const BULK = '/userve/v2.6/miniapp/user_profile/'

/** Creates `count` users like `user`, a few at a time; answers their ids. */
async function createUsers(t: AdminTestApp, count: number, user: Omit<NewUser, 'createdAt'>): Promise<number[]> {
  const ids: number[] = []
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, () => t.store.createUser({ ...user, createdAt: 1_600_000_000 }))
    ids.push(...(await Promise.all(batch)).map((u) => u.id))
  }
  return ids
}

interface BulkAnswer {
  operation_result: { success?: { id: number; updated_at: number }; error?: unknown }[]
  succeed: number
  total_count?: number
  offset: number
  limit: number
  next: string | null
}

/** Follows `next` from the first call; answers every page. */
async function walk(t: AdminTestApp, cookie: string, first: string, body: object): Promise<BulkAnswer[]> {
  const pages: BulkAnswer[] = []
  for (let url: string | null = first; url !== null; url = pages.at(-1)!.next) {
    assert.ok(pages.length < 10, 'the walk ends')
    const res: { status: number; body: unknown } = await t.request.put(url).set('Cookie', cookie).send(body)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    pages.push(res.body as BulkAnswer)
  }
  return pages
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`admin API bulk update walks (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)

    it('walks 2,500 matching users in three calls of 1,000 via next, updating each exactly once, also when the update changes the filtered field', async () => {
      const t = await createAdminApp(backend, 'admin-bulk')
      const matching = await createUsers(t, 2500, { nickname: 'bulk', profile: { score: 0 } })
      const others = await createUsers(t, 40, { nickname: 'other', profile: { score: 0 } })
      const cookie = await t.signInAdmin('root')
      const where = encodeURIComponent(JSON.stringify({ nickname: 'bulk' }))

      // score=0 stops matching once a user is updated: an offset-based walk would skip 1,000 users.
      const changing = await walk(t, cookie, `${BULK}?where=${where}&score=0&limit=1000&return_total_count=1`, { score: { $incr_by: 1 } })
      assert.deepEqual(
        changing.map((p) => p.operation_result.length),
        [1000, 1000, 500],
      )
      assert.deepEqual(
        changing.map((p) => p.succeed),
        [1000, 1000, 500],
      )
      assert.deepEqual(
        changing.map((p) => p.total_count),
        [2500, 1500, 500],
        'each call counts what is left of the walk',
      )
      assert.deepEqual(
        changing.map((p) => p.limit),
        [1000, 1000, 1000],
      )
      assert.equal(changing.at(-1)!.next, null)
      const updated = changing.flatMap((p) => p.operation_result.map((r) => r.success!.id))
      assert.equal(new Set(updated).size, 2500)
      assert.deepEqual(
        [...updated].sort((a, b) => a - b),
        [...matching].sort((a, b) => a - b),
      )

      // The filtered field unchanged: the same walk appends exactly once per user.
      const steady = await walk(t, cookie, `${BULK}?where=${where}&score=1&limit=1000`, { tags: { $append: ['x'] } })
      assert.deepEqual(
        steady.map((p) => p.operation_result.length),
        [1000, 1000, 500],
      )

      for (const id of matching) {
        const user = await t.store.getUserById(id)
        assert.equal(user?.profile.score, 1, `user ${id}`)
        assert.deepEqual(user?.profile.tags, ['x'], `user ${id}`)
      }
      for (const id of others) assert.equal((await t.store.getUserById(id))?.profile.score, 0)
    })

    it('keeps atomic operators exact under concurrent bulk and single updates', async () => {
      const t = await createAdminApp(backend, 'admin-bulk')
      const ids = await createUsers(t, 200, { nickname: 'busy', profile: { score: 5 } })
      const cookie = await t.signInAdmin('root')
      const bulk = () =>
        t.request
          .put(`${BULK}?nickname=busy&limit=1000`)
          .set('Cookie', cookie)
          .send({ score: { $incr_by: 1 }, tags: { $append: ['t'] } })
      const single = () =>
        t.request
          .put(`${BULK}${ids[0]}/`)
          .set('Cookie', cookie)
          .send({ score: { $incr_by: 100 } })
      const answers = await Promise.all([...Array.from({ length: 10 }, bulk), ...Array.from({ length: 5 }, single)])
      for (const res of answers) assert.equal(res.status, 200, JSON.stringify(res.body))
      for (const res of answers.slice(0, 10)) assert.equal(res.body.succeed, 200)
      for (const [i, id] of ids.entries()) {
        const user = await t.store.getUserById(id)
        assert.equal(user?.profile.score, i === 0 ? 515 : 15, `user ${id}`)
        assert.equal((user?.profile.tags as string[] | undefined)?.length, 10, `user ${id}`)
      }
    })
  })
}
