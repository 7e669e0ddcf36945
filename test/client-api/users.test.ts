/**
 * Client API profile routes: one user by id, the user list with its
 * filters, order and pages, and the self-update with every operator, through HTTP, on the
 * in-memory backend and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict'
import { after, afterEach, describe, it } from 'node:test'
import type { ProfileFieldsOption } from '../../src/model/fields.js'
import { assertError, backendSkips, BACKENDS, CLIENT, closeTestApps, createTestApp, releaseTestResources, type TestApp } from '../helpers/test-app.js'

const profileFields: ProfileFieldsOption = {
  score: 'integer',
  tags: { type: 'array', items: 'string' },
  meta: 'object',
  secret: { type: 'string', public: false },
}
const HIDDEN = ['_email', '_email_verified', '_phone', '_phone_verified', '_provider', 'secret']
const EVERY_FIELD = [
  'id',
  'user_id',
  'created_by',
  '_username',
  '_email',
  '_email_verified',
  '_phone',
  '_phone_verified',
  '_provider',
  'avatar',
  'nickname',
  'gender',
  'country',
  'province',
  'city',
  'language',
  'is_authorized',
  'created_at',
  'updated_at',
  'score',
  'tags',
  'meta',
  'secret',
]

interface Person {
  name: string
  id: number
  token: string
}

/** Five users with distinct nicknames, genders and scores; `alice` signed up by e-mail. */
async function seed(t: TestApp): Promise<Record<string, Person>> {
  const rows: [string, Record<string, unknown>][] = [
    ['alice', { nickname: 'Tom Alice', gender: 2, score: 10, tags: ['a'], secret: 's-alice' }],
    ['bob', { nickname: 'Tommy', gender: 1, score: 20 }],
    ['carol', { nickname: 'Carol', gender: 2, score: 30 }],
    ['dave', { nickname: 'tom dave', gender: 1, score: 40 }],
    ['erin', { nickname: 'Erin', gender: 0, score: 50 }],
  ]
  const people: Record<string, Person> = {}
  for (const [name, profile] of rows) {
    const { id, token } = name === 'alice' ? await t.signUp('email', 'alice@example.com') : await t.signUp('username', name)
    const res = await t.request.put('/hserve/v2.5/user/info/').set(t.auth(token)).send(profile)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    people[name] = { name, id, token }
  }
  return people
}

const skip = await backendSkips()
after(releaseTestResources)

for (const backend of BACKENDS) {
  describe(`client API user routes (${backend})`, { skip: skip[backend] }, () => {
    afterEach(closeTestApps)
    const create = () => createTestApp({ backend, options: { profileFields }, label: 'users' })

    it('answers GET /user/info/:id on v2.0, v2.2 and v2.5: every field to the owner, the public profile to others', async () => {
      const t = await create()
      const { alice, bob } = await seed(t)
      for (const version of ['v2.0', 'v2.2', 'v2.5']) {
        const own = await t.request.get(`/hserve/${version}/user/info/${alice!.id}/`).set(t.auth(alice!.token))
        assert.equal(own.status, 200, JSON.stringify(own.body))
        for (const field of EVERY_FIELD) assert.ok(field in own.body, `${version}: the owner misses ${field}`)
        assert.deepEqual(
          [
            own.body.id,
            own.body.user_id,
            own.body._email,
            own.body._email_verified,
            own.body._phone,
            own.body.nickname,
            own.body.score,
            own.body.tags,
            own.body.meta,
            own.body.secret,
          ],
          [alice!.id, alice!.id, 'alice@example.com', false, null, 'Tom Alice', 10, ['a'], null, 's-alice'],
        )
        const other = await t.request.get(`/hserve/${version}/user/info/${alice!.id}`).set(t.auth(bob!.token))
        assert.equal(other.status, 200)
        for (const field of HIDDEN) assert.ok(!(field in other.body), `${version}: another user sees ${field}`)
        assert.deepEqual([other.body.id, other.body.nickname, other.body.score, other.body.tags, other.body.meta], [alice!.id, 'Tom Alice', 10, ['a'], null])
        assert.ok(!JSON.stringify(other.body).includes('alice@example.com'))
        for (const body of [own.body, other.body]) assert.ok(!('password' in body || 'password_hash' in body || 'token' in body))
      }
    })

    it('selects fields with keys=, never revealing hidden ones', async () => {
      const t = await create()
      const { alice, bob } = await seed(t)
      const own = await t.request.get(`/hserve/v2.2/user/info/${alice!.id}/?keys=nickname,_email,secret`).set(t.auth(alice!.token))
      assert.deepEqual(own.body, { id: alice!.id, nickname: 'Tom Alice', _email: 'alice@example.com', secret: 's-alice' })
      const excluded = await t.request.get(`/hserve/v2.2/user/info/${alice!.id}/?keys=-nickname,-score`).set(t.auth(alice!.token))
      assert.ok(!('nickname' in excluded.body) && !('score' in excluded.body) && excluded.body._email === 'alice@example.com')
      const other = await t.request.get(`/hserve/v2.2/user/info/${alice!.id}/?keys=nickname,score`).set(t.auth(bob!.token))
      assert.deepEqual(other.body, { id: alice!.id, nickname: 'Tom Alice', score: 10 })
      for (const keys of ['_email', 'nickname,secret']) {
        assertError(await t.request.get(`/hserve/v2.2/user/info/${alice!.id}/`).query({ keys }).set(t.auth(bob!.token)), 400, 'invalid_query', 'keys')
      }
      assertError(await t.request.get(`/hserve/v2.2/user/info/${alice!.id}/?keys=nope`).set(t.auth(alice!.token)), 400, 'invalid_query', 'keys')
    })

    it('answers 404 for an unknown or non-numeric id and 401 without a valid token', async () => {
      const t = await create()
      const { alice } = await seed(t)
      for (const id of ['999999', 'abc', '0', '-1', '1.5', '99999999999999999999']) {
        assertError(await t.request.get(`/hserve/v2.2/user/info/${id}/`).set(t.auth(alice!.token)), 404, 'user_not_found')
      }
      for (const path of [`/hserve/v2.0/user/info/${alice!.id}/`, '/hserve/v2.2/user/info/', '/hserve/v2.0/user/info/']) {
        assertError(await t.request.get(path).set(CLIENT), 401, 'unauthenticated')
        for (const authorization of [`Hydrogen-r1 ${'A'.repeat(43)}`, 'Hydrogen-r1 short', `Basic ${alice!.token}`, alice!.token]) {
          assertError(await t.request.get(path).set(CLIENT).set('Authorization', authorization), 401, 'unauthenticated')
        }
      }
      // A Bearer prefix is accepted too.
      assert.equal((await t.request.get('/hserve/v2.2/user/info/').set(CLIENT).set('Authorization', `Bearer ${alice!.token}`)).status, 200)
    })

    it('lists users with where, field filters and order_by', async () => {
      const t = await create()
      const { alice, bob, carol, dave, erin } = await seed(t)
      const names = (res: { body: { objects: { id: number }[] } }) => res.body.objects.map((o) => [alice, bob, carol, dave, erin].find((p) => p!.id === o.id)!.name)
      const list = (query: Record<string, string>, version = 'v2.2') => t.request.get(`/hserve/${version}/user/info/`).query(query).set(t.auth(bob!.token))
      const now = Math.floor(Date.now() / 1000)
      const cases: [Record<string, string>, string[]][] = [
        [{}, ['alice', 'bob', 'carol', 'dave', 'erin']],
        [{ where: JSON.stringify({ $and: [{ nickname: { $contains: 'Tom' } }, { created_at: { $gt: now - 3600 } }] }) }, ['alice', 'bob']],
        [{ where: JSON.stringify({ $or: [{ gender: 0 }, { score: { $gte: 40 } }] }), order_by: '-score' }, ['erin', 'dave']],
        [{ where: JSON.stringify({ nickname: { $regex: '^tom', $options: 'i' } }) }, ['alice', 'bob', 'dave']],
        [{ where: JSON.stringify({ tags: { $all: ['a'] } }) }, ['alice']],
        [{ nickname__contains: 'Tom' }, ['alice', 'bob']],
        [{ nickname__icontains: 'tom', gender: '1' }, ['bob', 'dave']],
        [{ gender: '2' }, ['alice', 'carol']],
        [{ created_at__gt: String(now - 3600), score__lt: '30' }, ['alice', 'bob']],
        [{ created_at__gt: String(now + 3600) }, []],
        [{ id__in: `${carol!.id},${alice!.id}` }, ['alice', 'carol']],
        [{ order_by: '-score' }, ['erin', 'dave', 'carol', 'bob', 'alice']],
        [{ order_by: 'gender,-score' }, ['erin', 'dave', 'bob', 'carol', 'alice']],
        [{ order_by: '-nickname', gender: '2' }, ['alice', 'carol']],
        [{ order_by: 'nickname', where: JSON.stringify({ gender: { $in: [0, 2] } }) }, ['carol', 'erin', 'alice']],
      ]
      for (const [query, expected] of cases) {
        const res = await list(query)
        assert.equal(res.status, 200, `${JSON.stringify(query)}: ${JSON.stringify(res.body)}`)
        assert.deepEqual(names(res), expected, JSON.stringify(query))
      }
      // The viewer sees its own full record in the list, the others' public profiles only.
      const all = await list({})
      for (const object of all.body.objects) {
        for (const field of HIDDEN) assert.equal(field in object, object.id === bob!.id, `${field} of user ${object.id}`)
      }
    })

    it('pages with limit and offset, links next and previous, and counts on request (always on v2.0)', async () => {
      const t = await create()
      const { alice } = await seed(t)
      const get = (path: string) => t.request.get(path).set(t.auth(alice!.token))
      const scores = (res: { body: { objects: { score: number }[] } }) => res.body.objects.map((o) => o.score)
      const link = (value: string) => new URL(value, 'http://x')
      const first = await get('/hserve/v2.2/user/info/?order_by=score&limit=2&gender__in=0,1,2')
      assert.equal(first.status, 200, JSON.stringify(first.body))
      assert.deepEqual(scores(first), [10, 20])
      assert.deepEqual([first.body.meta.limit, first.body.meta.offset, first.body.meta.previous, 'total_count' in first.body.meta], [2, 0, null, false])
      assert.equal(link(first.body.meta.next).pathname, '/hserve/v2.2/user/info/')
      assert.deepEqual(Object.fromEntries(link(first.body.meta.next).searchParams), { order_by: 'score', limit: '2', gender__in: '0,1,2', offset: '2' })
      const middle = await get(first.body.meta.next)
      assert.deepEqual(scores(middle), [30, 40])
      assert.deepEqual(Object.fromEntries(link(middle.body.meta.previous).searchParams), { order_by: 'score', limit: '2', gender__in: '0,1,2', offset: '0' })
      const last = await get(middle.body.meta.next)
      assert.deepEqual([scores(last), last.body.meta.next, link(last.body.meta.previous).searchParams.get('offset')], [[50], null, '2'])
      // A `where` with spaces and quotes survives the round trip through the link.
      const where = JSON.stringify({ nickname: { $icontains: 'tom ' } })
      const one = await t.request.get('/hserve/v2.2/user/info/').query({ where, limit: 1, order_by: 'id' }).set(t.auth(alice!.token))
      assert.deepEqual([scores(one), link(one.body.meta.next).searchParams.get('where')], [[10], where])
      const two = await get(one.body.meta.next)
      assert.deepEqual([scores(two), two.body.meta.next], [[40], null])
      // Exactly at the end: no next, known without counting; past the end: nothing.
      const exact = await get('/hserve/v2.2/user/info?order_by=score&limit=5')
      assert.deepEqual([exact.body.objects.length, exact.body.meta.next], [5, null])
      assert.equal((await get('/hserve/v2.2/user/info/?offset=9')).body.objects.length, 0)

      assert.equal((await get('/hserve/v2.2/user/info/?return_total_count=1&limit=1&gender=1')).body.meta.total_count, 2)
      const v20 = await get('/hserve/v2.0/user/info/?limit=1')
      assert.deepEqual([v20.body.meta.total_count, link(v20.body.meta.next).pathname], [5, '/hserve/v2.0/user/info/'])
      assert.equal((await get('/hserve/v2.2/user/info/')).body.meta.limit, 20)
      assert.equal((await get('/hserve/v2.2/user/info/?limit=5000')).body.meta.limit, 1000)
      for (const query of ['limit=0', 'limit=abc', 'offset=-1', 'return_total_count=maybe']) {
        assertError(await get(`/hserve/v2.2/user/info/?${query}`), 400, 'invalid_query', query.split('=')[0])
      }
    })

    it('refuses filters and sorts on hidden fields, unknown fields and operators, naming them', async () => {
      const t = await create()
      const { bob } = await seed(t)
      const cases: [Record<string, string>, string | RegExp][] = [
        [{ _email: 'alice@example.com' }, '_email'],
        [{ _email__contains: 'alice' }, '_email__contains'],
        [{ _phone__isnull: 'true' }, '_phone__isnull'],
        [{ secret: 's-alice' }, 'secret'],
        [{ where: JSON.stringify({ _email: 'alice@example.com' }) }, 'where._email'],
        [{ where: JSON.stringify({ $or: [{ gender: 1 }, { _email_verified: true }] }) }, /_email_verified/],
        [{ order_by: '_email' }, 'order_by'],
        [{ order_by: '-secret' }, 'order_by'],
        [{ nope: '1' }, 'nope'],
        [{ where: JSON.stringify({ nope: 1 }) }, 'where.nope'],
        [{ nickname__startswith: 'T' }, 'nickname__startswith'],
        [{ where: JSON.stringify({ nickname: { $startswith: 'T' } }) }, 'where.nickname.$startswith'],
        [{ where: JSON.stringify({ $nor: [] }) }, 'where.$nor'],
        [{ where: '{"nickname":' }, 'where'],
        [{ where: JSON.stringify({ score: { $gt: 'ten' } }) }, /score/],
        [{ score__gt: 'ten' }, 'score__gt'],
        [{ order_by: 'nope' }, 'order_by'],
      ]
      for (const [query, field] of cases) {
        const res = await t.request.get('/hserve/v2.2/user/info/').query(query).set(t.auth(bob!.token))
        assertError(res, 400, 'invalid_query', field)
      }
      const named = await t.request.get('/hserve/v2.0/user/info/?nope=1').set(t.auth(bob!.token))
      assert.match(named.body.error_msg, /nope/)
    })

    it('updates the own profile with plain values and every operator', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'zed')
      const put = (body: unknown) =>
        t.request
          .put('/hserve/v2.5/user/info/')
          .set(t.auth(token))
          .send(body as object)
      const set = await put({ nickname: 'Zed', gender: 1, city: 'Shenzhen', avatar: 'https://example.com/a.png', score: 5, tags: ['x', 'y'], meta: { a: 1 }, secret: 'psst' })
      assert.equal(set.status, 200, JSON.stringify(set.body))
      assert.deepEqual(
        [set.body.id, set.body.nickname, set.body.gender, set.body.city, set.body.avatar, set.body.score, set.body.tags, set.body.meta, set.body.secret, set.body._username],
        [id, 'Zed', 1, 'Shenzhen', 'https://example.com/a.png', 5, ['x', 'y'], { a: 1 }, 'psst', 'zed'],
      )
      const steps: [unknown, Record<string, unknown>][] = [
        [{ score: { $incr_by: 3 } }, { score: 8 }],
        [{ score: { $incr_by: -10 } }, { score: -2 }],
        [{ tags: { $append: ['y', 'z'] } }, { tags: ['x', 'y', 'y', 'z'] }],
        [{ tags: { $append_unique: ['x', 'w', 'w'] } }, { tags: ['x', 'y', 'y', 'z', 'w'] }],
        [{ tags: { $remove: ['y'] } }, { tags: ['x', 'z', 'w'] }],
        [{ tags: { $pop: 1 } }, { tags: ['x', 'z'] }],
        [{ tags: { $pop: -1 } }, { tags: ['z'] }],
        [{ meta: { $update: { b: { c: true } } } }, { meta: { a: 1, b: { c: true } } }],
        [
          { $unset: { score: '', secret: '' }, nickname: 'Z' },
          { score: null, secret: null, nickname: 'Z', city: 'Shenzhen' },
        ],
        [
          { tags: null, meta: null },
          { tags: null, meta: null },
        ],
        [{}, { nickname: 'Z' }],
      ]
      for (const [body, expected] of steps) {
        const res = await put(body)
        assert.equal(res.status, 200, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`)
        for (const [field, value] of Object.entries(expected)) assert.deepEqual(res.body[field], value, `${JSON.stringify(body)} → ${field}`)
      }
      const read = await t.request.get(`/hserve/v2.5/user/info/${id}/`).set(t.auth(token))
      assert.deepEqual([read.body.nickname, read.body.score, read.body.tags, read.body.gender], ['Z', null, null, 1])
      assertError(await t.request.put('/hserve/v2.5/user/info/').set(CLIENT).send({ nickname: 'x' }), 401, 'unauthenticated')
    })

    it('adds exactly 100 for 100 concurrent $incr_by: 1 requests', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'counter')
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          t.request
            .put('/hserve/v2.5/user/info/')
            .set(t.auth(token))
            .send({ score: { $incr_by: 1 } }),
        ),
      )
      assert.deepEqual(new Set(answers.map((res) => res.status)), new Set([200]))
      assert.deepEqual(
        answers.map((res) => res.body.score).sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i + 1),
      )
      const read = await t.request.get(`/hserve/v2.5/user/info/${id}/`).set(t.auth(token))
      assert.equal(read.body.score, 100)
    })

    it('refuses an $incr_by past the largest safe integer or finite number, leaving the value', async () => {
      const t = await create()
      const { token } = await t.signUp('username', 'big')
      const put = (body: unknown) =>
        t.request
          .put('/hserve/v2.5/user/info/')
          .set(t.auth(token))
          .send(body as object)
      assert.equal((await put({ score: Number.MAX_SAFE_INTEGER })).status, 200)
      assertError(await put({ score: { $incr_by: 1 } }), 400, 'invalid_update', 'score.$incr_by')
      assert.equal((await t.request.get('/hserve/v2.2/user/info/?keys=score').set(t.auth(token))).body.objects[0].score, Number.MAX_SAFE_INTEGER)
      assert.equal((await put({ score: { $incr_by: -1 } })).body.score, Number.MAX_SAFE_INTEGER - 1)
    })

    it('refuses read-only built-ins, undeclared fields and type mismatches, naming the field', async () => {
      const t = await create()
      const { id, token } = await t.signUp('username', 'yan')
      const cases: [unknown, string | RegExp][] = [
        [{ id: 5 }, 'id'],
        [{ user_id: 5 }, 'user_id'],
        [{ created_at: 1 }, 'created_at'],
        [{ updated_at: 1 }, 'updated_at'],
        [{ _username: 'other' }, '_username'],
        [{ _email: 'a@b.co' }, '_email'],
        [{ _phone_verified: true }, '_phone_verified'],
        [{ is_authorized: true }, 'is_authorized'],
        [{ password: 'new password 1' }, 'password'],
        [{ undeclared: 1 }, 'undeclared'],
        [{ $unset: { undeclared: '' } }, '$unset.undeclared'],
        [{ $unset: { created_at: '' } }, '$unset.created_at'],
        [{ score: 'ten' }, 'score'],
        [{ score: 1.5 }, 'score'],
        [{ gender: 5 }, 'gender'],
        [{ nickname: 42 }, 'nickname'],
        [{ nickname: 'x'.repeat(129) }, 'nickname'],
        [{ tags: [1] }, /^tags/],
        [{ tags: 'x' }, 'tags'],
        [{ meta: [1] }, 'meta'],
        [{ score: { $incr_by: 'one' } }, 'score.$incr_by'],
        [{ nickname: { $incr_by: 1 } }, 'nickname.$incr_by'],
        [{ tags: { $append: [7] } }, /^tags\.\$append/],
        [{ score: { $append: ['a'] } }, 'score.$append'],
        [{ meta: { $update: 'x' } }, 'meta.$update'],
        [{ tags: { $pop: 2 } }, 'tags.$pop'],
        [{ tags: { $shuffle: 1 } }, 'tags.$shuffle'],
        [[{ nickname: 'x' }], 'body'],
      ]
      for (const [body, field] of cases) {
        const res = await t.request
          .put('/hserve/v2.5/user/info/')
          .set(t.auth(token))
          .send(body as object)
        assertError(res, 400, 'invalid_update', field)
      }
      // Nothing changed, not even updated_at.
      const read = await t.request.get(`/hserve/v2.5/user/info/${id}/`).set(t.auth(token))
      assert.deepEqual([read.body.id, read.body._username, read.body.score, read.body.gender, read.body.nickname], [id, 'yan', null, 0, ''])
      assert.equal(read.body.updated_at, read.body.created_at)
    })
  })
}
