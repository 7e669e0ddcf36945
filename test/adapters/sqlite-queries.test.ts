/**
 * Every filter operator, sort and update operation of SqliteUserStore, on built-in and custom fields
 * of every type: each answer is compared with the reference (memory) store, and the rules that are
 * easy to get wrong in SQLite (JSON typing, NULL logic, Unicode case, code point order, key quoting)
 * are also spelt out.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { NewUser } from '../../src/model/user.js'
import { compareStrings } from '../../src/model/values.js'
import { referenceHarness } from '../helpers/reference-harness.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import type { UpdateOperation } from '../../src/query/update.js'
import { RANDOM_PROFILE_FIELDS } from '../../src/testing/random-data.js'

const NOW = 1_700_000_000
// One custom field of each type: the same declaration as the random conformance data.
const schema = createUserSchema(RANDOM_PROFILE_FIELDS)
const context = { schema, visibility: 'all' } as const
const field = (name: string) => schema.fields.get(name)!

const SQL = "'; DROP TABLE x; --"
const JSON_OPERATOR = '{"$ne": null}'
const BOMB = '(a+)+$'
const PATH = '$.a[0]'

/** Users 1..8 (the same ids in both stores), named by nickname in the expectations. */
const USERS: NewUser[] = [
  {
    nickname: 'ann',
    username: 'Ann',
    email: 'Ann@Example.com',
    gender: 2,
    isAuthorized: true,
    city: SQL,
    provider: { wechat: { openid: 'o1' } },
    profile: { score: 10, rating: 1.5, bio: 'Hello World', vip: true, birthday: '2000-01-01T00:00:00.000Z', tags: ['red', 'green'], mixed: [1, 'x'], meta: { a: 1, 'a.b': 2 } },
    createdAt: NOW,
  },
  {
    nickname: 'bob',
    username: 'Bob',
    gender: 1,
    provider: { [SQL]: true },
    profile: {
      score: -3,
      rating: 0.1,
      bio: 'ÉCOLE straße',
      vip: false,
      birthday: '1999-12-31T23:59:59.999Z',
      tags: ['blue'],
      mixed: ['1', true],
      meta: { 'with"quote': true, 'back\\slash': null, [SQL]: 1, [PATH]: 0, '': 'empty key' },
    },
    createdAt: NOW + 1,
  },
  { nickname: 'cy', gender: 0, profile: {}, createdAt: NOW + 2 },
  {
    // Every custom value of the wrong type: all read as unset.
    nickname: 'dee',
    username: 'Dee',
    profile: { score: '10', rating: 'x', bio: 5, vip: 'true', birthday: 'not a date', tags: 'red', mixed: { 0: 1 }, meta: ['a'] },
    createdAt: NOW + 3,
  },
  {
    // An unsafe integer reads as unset; so does a date stored in another form than the normal one.
    nickname: 'eve',
    username: 'ÉVE',
    phone: '13800138000',
    profile: { score: 2 ** 53 + 2, rating: 1e21, bio: '', vip: true, birthday: '2020-02-29', tags: [], mixed: [1.0, false, 'true', null], meta: {} },
    createdAt: NOW + 4,
  },
  {
    // 2.5 is no integer; 30 February is no date (JavaScript would roll it over to 1 March).
    nickname: BOMB,
    profile: { score: 2.5, bio: `${'a'.repeat(5000)}!`, birthday: '2020-02-30T00:00:00.000Z', mixed: [[1], { a: 1 }] },
    createdAt: NOW + 4,
  },
  { nickname: '%_\\', country: 'Ägypten', profile: { bio: JSON_OPERATOR, tags: [SQL, JSON_OPERATOR], score: 0, rating: 0.30000000000000004 }, createdAt: NOW + 5 },
  { nickname: '中文', username: '中文', profile: { bio: 'ΣΑΣ', vip: false, meta: { nested: { a: 1 } } }, createdAt: NOW + 6 },
]
const NAMES = USERS.map((u) => u.nickname!)

/** Each `where` with the nicknames it selects (in id order). */
const EXPECTED: [Record<string, unknown>, string[]][] = [
  // built-in strings, numbers, booleans, objects
  [{ nickname: 'bob' }, ['bob']],
  [{ nickname: { $ne: 'bob' } }, ['ann', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  [{ _username: { $ne: 'Bob' } }, ['ann', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  [{ _username: { $lt: 'B' } }, ['ann']],
  [{ _username: { $gte: 'É' } }, ['eve', '中文']],
  [{ _username: { $nin: ['Ann', 'bob'] } }, ['bob', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  [{ _username: { $icontains: 'é' } }, ['eve']],
  [{ _username: { $isnull: true } }, ['cy', BOMB, '%_\\']],
  [{ _email: { $exists: true } }, ['ann']],
  [{ _phone: '13800138000' }, ['eve']],
  [{ gender: { $in: [1, 2] } }, ['ann', 'bob']],
  [{ gender: { $nin: [0] } }, ['ann', 'bob']],
  [{ created_at: { $gte: NOW + 4 } }, ['eve', BOMB, '%_\\', '中文']],
  [{ is_authorized: true }, ['ann']],
  [{ id: { $in: [2, 4, 99] } }, ['bob', 'dee']],
  [{ city: SQL }, ['ann']],
  [{ country: { $contains: 'Ä' } }, ['%_\\']],
  [{ _provider: { $has_key: 'wechat' } }, ['ann']],
  [{ _provider: { $has_key: SQL } }, ['bob']],
  [{ _provider: { $isnull: true } }, []],
  // integer
  [{ score: { $gt: 0 } }, ['ann']],
  [{ score: { $ne: 10 } }, ['bob', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  [{ score: { $lte: 0 } }, ['bob', '%_\\']],
  [{ score: { $in: [10, -3] } }, ['ann', 'bob']],
  [{ score: { $nin: [10, 0] } }, ['bob', 'cy', 'dee', 'eve', BOMB, '中文']],
  [{ score: { $isnull: true } }, ['cy', 'dee', 'eve', BOMB, '中文']],
  // number
  [{ rating: { $gte: 1 } }, ['ann', 'eve']],
  [{ rating: 0.1 }, ['bob']],
  [{ rating: 0.30000000000000004 }, ['%_\\']],
  [{ rating: { $in: [0.1, 1e21] } }, ['bob', 'eve']],
  [{ rating: { $ne: 1.5 } }, ['bob', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  // string
  [{ bio: { $gt: 'Hello' } }, ['ann', 'bob', BOMB, '%_\\', '中文']],
  [{ bio: { $contains: 'World' } }, ['ann']],
  [{ bio: { $contains: 'world' } }, []],
  [{ bio: { $icontains: 'world' } }, ['ann']],
  [{ bio: { $icontains: 'école' } }, ['bob']],
  [{ bio: { $icontains: 'σας' } }, ['中文']],
  [{ bio: { $contains: '' } }, ['ann', 'bob', 'eve', BOMB, '%_\\', '中文']],
  [{ bio: { $in: ['', JSON_OPERATOR] } }, ['eve', '%_\\']],
  [{ bio: JSON_OPERATOR }, ['%_\\']],
  [{ bio: { $regex: '^Hel+o' } }, ['ann']],
  [{ bio: { $regex: '^é', $options: 'i' } }, ['bob']],
  [{ bio: { $regex: '^$' } }, ['eve']],
  [{ bio: { $regex: BOMB } }, []],
  [{ bio: { $regex: '^(a|a)*!$' } }, [BOMB]],
  [{ nickname: { $regex: '\\(a\\+\\)' } }, [BOMB]],
  [{ nickname: { $contains: '%' } }, ['%_\\']],
  [{ nickname: { $contains: '_' } }, ['%_\\']],
  // boolean
  [{ vip: false }, ['bob', '中文']],
  [{ vip: { $ne: true } }, ['bob', 'cy', 'dee', BOMB, '%_\\', '中文']],
  [{ vip: { $in: [true] } }, ['ann', 'eve']],
  [{ vip: { $lt: true } }, ['bob', '中文']],
  // date
  [{ birthday: { $lt: '2000-01-01' } }, ['bob']],
  [{ birthday: '2020-02-29T00:00:00Z' }, []],
  [{ birthday: '2020-03-01T00:00:00.000Z' }, []],
  [{ birthday: { $isnull: true } }, ['cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  // arrays: elements compare with strict JSON equality
  [{ tags: { $in: ['red'] } }, ['ann']],
  [{ tags: { $nin: ['red'] } }, ['bob', 'cy', 'dee', 'eve', BOMB, '%_\\', '中文']],
  [{ tags: { $all: ['red', 'green'] } }, ['ann']],
  [{ tags: { $all: ['red', 'blue'] } }, []],
  [{ tags: { $in: [SQL] } }, ['%_\\']],
  [{ tags: { $isnull: false } }, ['ann', 'bob', 'eve', '%_\\']],
  [{ mixed: { $in: [1] } }, ['ann', 'eve']],
  [{ mixed: { $in: ['1'] } }, ['bob']],
  [{ mixed: { $in: [true] } }, ['bob']],
  [{ mixed: { $in: ['true'] } }, ['eve']],
  [{ mixed: { $in: [false] } }, ['eve']],
  [{ mixed: { $in: [0] } }, []],
  [{ mixed: { $nin: [1] } }, ['bob', 'cy', 'dee', BOMB, '%_\\', '中文']],
  [{ mixed: { $all: [1, false, 'true'] } }, ['eve']],
  [{ mixed: { $isnull: false } }, ['ann', 'bob', 'eve', BOMB]],
  // objects: keys are data, never part of a JSON path
  [{ meta: { $has_key: 'a' } }, ['ann']],
  [{ meta: { $has_key: 'a.b' } }, ['ann']],
  [{ meta: { $has_key: 'with"quote' } }, ['bob']],
  [{ meta: { $has_key: 'back\\slash' } }, ['bob']],
  [{ meta: { $has_key: SQL } }, ['bob']],
  [{ meta: { $has_key: PATH } }, ['bob']],
  [{ meta: { $has_key: '' } }, ['bob']],
  [{ meta: { $has_key: '0' } }, []],
  [{ meta: { $has_key: 'nested' } }, ['中文']],
  [{ meta: { $isnull: true } }, ['cy', 'dee', BOMB, '%_\\']],
  // logic
  [{ $or: [{ score: 10 }, { vip: false }] }, ['ann', 'bob', '中文']],
  [{ $and: [{ gender: { $in: [0, 1, 2] } }, { score: { $nin: [10] } }, { $or: [{ bio: { $isnull: true } }, { bio: '' }] }] }, ['cy', 'dee', 'eve']],
  [{ $or: [{ $and: [{ gender: 1 }, { vip: false }] }, { tags: { $all: [JSON_OPERATOR] } }] }, ['bob', '%_\\']],
  [{ nickname: { $contains: 'e', $ne: 'dee' } }, ['eve']],
]

const ORDERS = [
  'score',
  '-score',
  'rating',
  '-rating',
  'bio',
  '-bio',
  'vip',
  '-vip',
  'birthday',
  '-birthday',
  'nickname',
  '-nickname',
  '_username',
  '-_username',
  '-created_at,nickname',
  'gender,-score',
  'is_authorized,-id',
  'country,-vip,bio',
]

describe('SqliteUserStore filters, sorts and updates', () => {
  const store = new SqliteUserStore()
  const { ids, seed, ...harness } = referenceHarness(() => store, schema)

  before(async () => {
    await store.migrate()
    await seed(USERS)
  })

  const names = async (params: Record<string, string>) => (await ids(store, params)).map((id) => NAMES[id - 1])
  const where = (w: Record<string, unknown>) => names({ where: JSON.stringify(w) })

  const assertLikeReference = () =>
    harness.assertLikeReference(
      EXPECTED.map(([w]) => w),
      ORDERS,
    )

  it('answers every filter operator on every field type as spelt out and like the reference store', async () => {
    for (const [w, expected] of EXPECTED) assert.deepEqual(await where(w), expected, JSON.stringify(w))
    await assertLikeReference()
  })

  it('accepts field filters from query parameters', async () => {
    assert.deepEqual(await names({ nickname__contains: 'e' }), ['dee', 'eve'])
    assert.deepEqual(await names({ score__in: '10,-3', gender: '1' }), ['bob'])
    assert.deepEqual(await names({ tags__all: 'red,green' }), ['ann'])
    assert.deepEqual(await names({ meta__has_key: 'with"quote' }), ['bob'])
  })

  it('sorts unset values last ascending and first descending, booleans false first, and dates as instants', async () => {
    assert.deepEqual(await names({ order_by: 'score' }), ['bob', '%_\\', 'ann', 'cy', 'dee', 'eve', BOMB, '中文'])
    assert.deepEqual(await names({ order_by: '-score' }), ['cy', 'dee', 'eve', BOMB, '中文', 'ann', '%_\\', 'bob'])
    assert.deepEqual(await names({ order_by: 'vip' }), ['bob', '中文', 'ann', 'eve', 'cy', 'dee', BOMB, '%_\\'])
    assert.deepEqual(await names({ order_by: '-birthday' }), ['cy', 'dee', 'eve', BOMB, '%_\\', '中文', 'ann', 'bob'])
    assert.deepEqual(await names({ order_by: 'rating' }), ['bob', '%_\\', 'ann', 'eve', 'cy', 'dee', BOMB, '中文'])
    assert.deepEqual(await names({ order_by: '_username' }), ['ann', 'bob', 'dee', 'eve', '中文', 'cy', BOMB, '%_\\'])
  })

  it('sorts every sortable field like the reference store', async () => {
    await harness.assertLikeReference([], ORDERS)
  })

  it('orders strings by code point, as compareStrings does, not by UTF-16 unit or locale', async () => {
    const s = new SqliteUserStore()
    await s.migrate()
    const words = ['a', 'Z', 'é', 'É', '中', '😀', '\uFF01', 'ab', '', 'A', 'z']
    for (const nickname of words) await s.createUser({ nickname, createdAt: NOW })
    const page = await s.listUsers(parseListParams({ order_by: 'nickname', limit: '100' }, context).query)
    assert.deepEqual(
      page.users.map((u) => u.nickname),
      [...words].sort(compareStrings),
    )
    const after = await s.listUsers(parseListParams({ where: JSON.stringify({ nickname: { $gt: '\uFF01' } }) }, context).query)
    assert.deepEqual(
      after.users.map((u) => u.nickname),
      ['😀'],
    )
    await s.close()
  })

  it('pages with limit and offset, knows hasMore without counting, and counts on request', async () => {
    await harness.assertPaging([5, 6, 4])
  })

  it('runs a pattern catastrophic for backtracking engines over long strings', async () => {
    const s = new SqliteUserStore()
    await s.migrate()
    for (const n of [1000, 20000, 50000]) await s.createUser({ profile: { bio: `${'a'.repeat(n)}!` }, createdAt: NOW })
    for (const regex of [BOMB, '^(a+)+$', '(a|aa)+$', '(a*)*b']) {
      const page = await s.listUsers(parseListParams({ where: JSON.stringify({ bio: { $regex: regex } }) }, context).query)
      assert.deepEqual(page.users, [], regex)
    }
    const matched = await s.listUsers(parseListParams({ where: JSON.stringify({ bio: { $regex: '^(a+)+!$' } }) }, context).query)
    assert.equal(matched.users.length, 3)
    await s.close()
  })

  describe('updates', () => {
    const update = (id: number, operations: UpdateOperation[]) => harness.update(id, operations, NOW + 100)
    const body = (id: number, b: Record<string, unknown>) => harness.body(id, b, NOW + 100)

    it('sets, resets and patches built-in fields like the reference store', async () => {
      let user = await body(1, { nickname: 'Ann-Marie', gender: 1, city: JSON_OPERATOR, avatar: 'https://example.com/a.png', language: SQL })
      assert.deepEqual([user.nickname, user.gender, user.city, user.language, user.updatedAt], ['Ann-Marie', 1, JSON_OPERATOR, SQL, NOW + 100])
      user = await update(1, [
        { kind: 'set', field: field('nickname'), value: null },
        { kind: 'unset', field: field('gender') },
        { kind: 'set', field: INTERNAL_FIELDS.username, value: null },
        { kind: 'set', field: INTERNAL_FIELDS.emailVerified, value: true },
        { kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: 'hash' },
        { kind: 'patch', field: INTERNAL_FIELDS.provider, value: { apple: { sub: SQL }, wechat: null } },
      ])
      assert.deepEqual(
        [user.nickname, user.gender, user.username, user.emailVerified, user.passwordHash, user.provider],
        ['', 0, null, true, 'hash', { wechat: null, apple: { sub: SQL } }],
      )
      assert.equal(await store.getUserByIdentifier('username', 'ann'), null, 'the old username is free')
      user = await update(1, [
        { kind: 'set', field: INTERNAL_FIELDS.username, value: 'ÄNN' },
        { kind: 'unset', field: INTERNAL_FIELDS.provider },
      ])
      assert.deepEqual([user.provider, (await store.getUserByIdentifier('username', 'änn'))?.id], [{}, 1])
    })

    it('increments integers and numbers, counting unset and wrong-typed values as 0, with JavaScript arithmetic', async () => {
      assert.equal((await body(1, { score: { $incr_by: 4 } })).profile.score, 14)
      assert.equal((await body(4, { score: { $incr_by: 2 } })).profile.score, 2, "'10' counts as 0")
      assert.equal((await body(6, { score: { $incr_by: -1 } })).profile.score, -1, '2.5 is no integer, so counts as 0')
      assert.equal((await body(3, { score: { $incr_by: 1000 } })).profile.score, 1000, 'unset counts as 0')
      assert.equal((await body(5, { score: { $incr_by: 1 } })).profile.score, 1, 'an unsafe integer counts as 0')
      assert.equal((await body(3, { rating: { $incr_by: 0.1 } })).profile.rating, 0.1)
      assert.equal((await body(3, { rating: { $incr_by: 0.2 } })).profile.rating, 0.1 + 0.2)
      assert.equal((await body(5, { rating: { $incr_by: 1e-7 } })).profile.rating, 1e21 + 1e-7)
      assert.equal((await body(4, { rating: { $incr_by: -1.5 } })).profile.rating, -1.5, "'x' counts as 0")
    })

    it('appends, appends unique values in order, removes, and pops arrays like the reference store', async () => {
      assert.deepEqual((await body(1, { tags: { $append: ['red', 'blue'] } })).profile.tags, ['red', 'green', 'red', 'blue'])
      assert.deepEqual((await body(1, { tags: { $append_unique: ['blue', 'pink', 'pink', 'green', 'cyan'] } })).profile.tags, ['red', 'green', 'red', 'blue', 'pink', 'cyan'])
      assert.deepEqual((await body(1, { tags: { $remove: ['red', 'cyan', 'absent'] } })).profile.tags, ['green', 'blue', 'pink'])
      assert.deepEqual((await body(1, { tags: { $pop: 1 } })).profile.tags, ['green', 'blue'])
      assert.deepEqual((await body(1, { tags: { $pop: -1 } })).profile.tags, ['blue'])
      assert.deepEqual((await body(5, { tags: { $pop: 1 } })).profile.tags, [], 'popping an empty array leaves it empty')
      assert.deepEqual((await body(3, { tags: { $pop: -1 } })).profile.tags, [], 'an unset array counts as empty')
      assert.deepEqual((await body(4, { tags: { $remove: ['red'] } })).profile.tags, [], "a string 'red' is not an array")
      assert.deepEqual((await body(6, { tags: { $append_unique: [SQL] } })).profile.tags, [SQL])
      const direct: UpdateOperation = { kind: 'append_unique', field: field('mixed'), values: [1, '1', true, 1, 'true', false] }
      assert.deepEqual((await update(2, [direct])).profile.mixed, ['1', true, 1, 'true', false])
      assert.deepEqual((await body(2, { mixed: { $remove: [1, 'true'] } })).profile.mixed, ['1', true, false])
      assert.deepEqual((await body(5, { mixed: { $append: [1, 'x'] } })).profile.mixed, [1, false, 'true', null, 1, 'x'])
    })

    it('patches objects shallowly, treating a non-object as empty, and sets and clears custom fields', async () => {
      assert.deepEqual((await body(1, { meta: { $update: { a: { deep: [1] }, b: null, [SQL]: 1 } } })).profile.meta, { a: { deep: [1] }, 'a.b': 2, b: null, [SQL]: 1 })
      assert.deepEqual((await body(4, { meta: { $update: { k: 'v' } } })).profile.meta, { k: 'v' })
      let user = await body(7, { bio: null, birthday: '2024-06-01T08:00:00+08:00', vip: false, meta: { x: JSON_OPERATOR } })
      assert.deepEqual([user.profile.bio, user.profile.birthday, user.profile.vip, user.profile.meta], [undefined, '2024-06-01T00:00:00.000Z', false, { x: JSON_OPERATOR }])
      user = await body(7, { $unset: { vip: '', score: '', meta: '' }, tags: [SQL, JSON_OPERATOR] })
      assert.deepEqual(user.profile, { rating: 0.30000000000000004, birthday: '2024-06-01T00:00:00.000Z', tags: [SQL, JSON_OPERATOR] })
      user = await update(8, [])
      assert.equal(user.updatedAt, NOW + 100)
    })

    it('answers every filter and sort like the reference store after the updates', async () => {
      await assertLikeReference()
    })
  })
})
