/**
 * Every filter operator, sort and update operation of PostgresUserStore, on built-in and custom
 * fields of every type, checked against the reference (memory) store and, for the rules that are easy
 * to get wrong in SQL, against spelt-out expectations.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { NewUser } from '../../src/model/user.js'
import { referenceHarness } from '../helpers/reference-harness.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import type { UpdateOperation } from '../../src/query/update.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'
import { RANDOM_PROFILE_FIELDS } from '../../src/testing/random-data.js'

const NOW = 1_700_000_000
const unavailable = await postgresUnavailable()
// One custom field of each type: the same declaration as the random conformance data.
const schema = createUserSchema(RANDOM_PROFILE_FIELDS)
const context = { schema, visibility: 'all' } as const
const field = (name: string) => schema.fields.get(name)!

const SQL = "'; DROP TABLE x; --"
const JSON_OPERATOR = '{"$ne": null}'
const BOMB = '(a+)+$'

/** Users 1..8, in creation order (ids are 1..8 in both stores). */
const USERS: NewUser[] = [
  {
    username: 'Tom',
    nickname: 'Tom',
    gender: 1,
    city: SQL,
    isAuthorized: true,
    provider: { wechat: { openid: 'o1' } },
    profile: {
      score: 3,
      rating: 0.1,
      bio: 'Hello World',
      vip: true,
      birthday: '2001-01-01T00:00:00.000Z',
      tags: ['red', 'green'],
      mixed: [1, 'true'],
      meta: { a: 1, "q'uote": 'v' },
    },
    createdAt: NOW,
  },
  {
    // Every custom value of the wrong type: all read as unset.
    username: 'tommy',
    nickname: 'tom',
    gender: 2,
    email: 'Tommy@Example.com',
    profile: { score: 'not a number', rating: '1.5', bio: 42, vip: 'true', birthday: 'hello', tags: 'red', mixed: { a: 1 }, meta: [1] },
    createdAt: NOW + 1,
  },
  {
    nickname: 'ÉMILE',
    gender: 0,
    provider: { [SQL]: true },
    profile: { score: 2.5, rating: 1e21, bio: JSON_OPERATOR, vip: false, birthday: '2020-02-29T12:30:00.000Z', tags: [], mixed: [true, 1.5], meta: { $ne: null } },
    createdAt: NOW + 2,
  },
  { nickname: '%_\\', profile: {}, createdAt: NOW + 3 },
  {
    nickname: BOMB,
    email: 'bomb@example.com',
    profile: { score: -5, rating: -2.5, bio: `${'a'.repeat(5000)}!`, birthday: '1999-12-31T23:59:59.999Z', mixed: ['1'], meta: {} },
    createdAt: NOW + 3,
  },
  {
    username: 'Zoë',
    nickname: '中文',
    phone: '13800138000',
    email: 'zoe@example.com',
    profile: { score: Number.MAX_SAFE_INTEGER + 1, rating: 0.30000000000000004, bio: 'ΣΑΣ İstanbul', birthday: 'someday', tags: ['Red', '中'] },
    createdAt: NOW + 4,
  },
  { nickname: '😀 smile', country: 'Ägypten', profile: { bio: '', tags: ['1', 'true'], mixed: [0, false] }, createdAt: NOW + 5 },
  { nickname: '', profile: { score: 0, vip: true, meta: { nested: { a: 1 } } }, createdAt: NOW + 6 },
]

/** One `where` per line; each is run on both stores. */
const WHERES: Record<string, unknown>[] = [
  // built-in strings
  { nickname: 'Tom' },
  { nickname: { $ne: 'Tom' } },
  { nickname: { $lt: 'tom' } },
  { nickname: { $gte: 'É' } },
  { nickname: { $gt: '' } },
  { nickname: { $in: ['Tom', '中文', ''] } },
  { nickname: { $nin: ['Tom'] } },
  { nickname: { $contains: '%_' } },
  { nickname: { $contains: '_' } },
  { nickname: { $contains: '\\' } },
  { nickname: { $icontains: 'émile' } },
  { nickname: { $icontains: 'TOM' } },
  { nickname: { $regex: '^to', $options: 'i' } },
  { nickname: { $regex: BOMB } },
  { nickname: { $regex: '\\(a\\+\\)' } },
  { nickname: { $regex: '^$' } },
  { nickname: { $regex: 'é', $options: 'i' } },
  { city: SQL },
  { city: { $contains: "'; DROP" } },
  { city: { $in: [SQL, JSON_OPERATOR] } },
  { _username: { $isnull: true } },
  { _username: 'Zoë' },
  { _username: 'zoë' },
  { _username: { $icontains: 'ZOË' } },
  { _username: { $regex: '^tom', $options: 'i' } },
  { _email: { $exists: true } },
  { _email: 'Tommy@Example.com' },
  { _phone: '13800138000' },
  { country: { $in: ['Ägypten'] } },
  // built-in numbers, booleans, objects
  { gender: 1 },
  { gender: { $in: [0, 2] } },
  { gender: { $nin: [1] } },
  { gender: { $ne: 0 } },
  { created_at: { $gt: NOW + 2 } },
  { created_at: { $lte: NOW + 3 } },
  { is_authorized: true },
  { is_authorized: { $ne: true } },
  { id: { $in: [1, 3, 99] } },
  { id: { $gte: 7 } },
  { _provider: { $has_key: 'wechat' } },
  { _provider: { $has_key: SQL } },
  { _provider: { $isnull: true } },
  // integer (wrong types, 2.5 and an unsafe integer read as unset)
  { score: 3 },
  { score: { $ne: 3 } },
  { score: { $lt: 3 } },
  { score: { $gte: -5 } },
  { score: { $in: [3, -5, 0] } },
  { score: { $nin: [3] } },
  { score: { $isnull: true } },
  { score: { $exists: true } },
  // number
  { rating: { $lt: 1 } },
  { rating: { $gte: 1e21 } },
  { rating: 0.1 },
  { rating: { $ne: 0.1 } },
  { rating: 0.30000000000000004 },
  { rating: { $in: [0.1, -2.5] } },
  // string
  { bio: 'Hello World' },
  { bio: { $gt: 'A' } },
  { bio: { $lte: '' } },
  { bio: { $contains: 'World' } },
  { bio: { $contains: '' } },
  { bio: { $icontains: 'hello' } },
  { bio: { $icontains: 'σας' } },
  { bio: { $icontains: 'i̇stanbul' } },
  { bio: { $regex: '^a+!$' } },
  { bio: { $regex: 'WORLD', $options: 'i' } },
  { bio: JSON_OPERATOR },
  { bio: { $contains: '{"$ne"' } },
  { bio: { $in: [JSON_OPERATOR, ''] } },
  { bio: { $regex: '(a|aa)*b' } },
  // boolean
  { vip: true },
  { vip: false },
  { vip: { $ne: true } },
  { vip: { $isnull: true } },
  { vip: { $in: [false] } },
  // date (inputs are normalised by the parser; invalid or rolled-over stored dates read as unset)
  { birthday: { $lt: '2010-01-01' } },
  { birthday: { $gte: '2001-01-01T00:00:00Z' } },
  { birthday: '2020-02-29T12:30:00.000Z' },
  { birthday: { $ne: '2020-02-29T12:30:00.000Z' } },
  { birthday: { $isnull: true } },
  { birthday: { $in: ['1999-12-31T23:59:59.999Z'] } },
  // arrays: elements compare with strict JSON equality
  { tags: { $in: ['red'] } },
  { tags: { $nin: ['red'] } },
  { tags: { $all: ['red', 'green'] } },
  { tags: { $all: ['red'] } },
  { tags: { $isnull: true } },
  { tags: { $in: ['1'] } },
  { mixed: { $in: [1] } },
  { mixed: { $in: ['1'] } },
  { mixed: { $in: [true] } },
  { mixed: { $nin: [1] } },
  { mixed: { $all: [1, 'true'] } },
  { mixed: { $in: [1.5] } },
  { mixed: { $in: [0] } },
  { mixed: { $in: [false] } },
  // objects
  { meta: { $has_key: 'a' } },
  { meta: { $has_key: "q'uote" } },
  { meta: { $has_key: '$ne' } },
  { meta: { $has_key: 'nested' } },
  { meta: { $isnull: true } },
  // logic
  { $or: [{ score: 3 }, { vip: false }] },
  { $and: [{ nickname: { $ne: 'Tom' } }, { score: { $nin: [0] } }] },
  { $or: [{ $and: [{ gender: 1 }, { vip: true }] }, { tags: { $all: ['Red'] } }] },
  { nickname: { $contains: 'o', $ne: 'tom' } },
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
  '-created_at,nickname',
  'gender,-score',
  'is_authorized,-id',
]

describe('PostgresUserStore filters, sorts and updates', { skip: unavailable ?? false }, () => {
  let test: TestSchema
  let store: PostgresUserStore
  const { ids, seed, assertLikeReference, ...harness } = referenceHarness(() => store, schema)

  before(async () => {
    test = await createTestSchema('pg_queries')
    store = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema })
    await store.migrate()
    await seed(USERS)
  })
  after(async () => {
    await store.close()
    await test.drop()
  })

  const where = (w: Record<string, unknown>) => ids(store, { where: JSON.stringify(w) })

  it('answers every filter operator on every field type like the reference store', async () => {
    await assertLikeReference(WHERES, [])
  })

  it('sorts by every sortable type like the reference store, unset values last ascending and first descending', async () => {
    await assertLikeReference([], ORDERS)
    assert.deepEqual(await ids(store, { order_by: 'score' }), [5, 8, 1, 2, 3, 4, 6, 7])
    assert.deepEqual(await ids(store, { order_by: '-score' }), [2, 3, 4, 6, 7, 1, 8, 5])
  })

  it('pages with limit and offset, knows hasMore without counting, and counts on request', async () => {
    await harness.assertPaging([6, 4, 5])
  })

  it('matches null with ne and nin, and treats stored values of the wrong type as unset', async () => {
    assert.deepEqual(await where({ score: { $ne: 3 } }), [2, 3, 4, 5, 6, 7, 8])
    assert.deepEqual(await where({ score: { $nin: [3, 0] } }), [2, 3, 4, 5, 6, 7])
    assert.deepEqual(await where({ score: { $isnull: true } }), [2, 3, 4, 6, 7])
    assert.deepEqual(await where({ vip: { $ne: true } }), [2, 3, 4, 5, 6, 7])
    assert.deepEqual(await where({ meta: { $isnull: false } }), [1, 3, 5, 8])
  })

  it('keeps 1, true and "1" distinct inside arrays', async () => {
    assert.deepEqual(await where({ mixed: { $in: [1] } }), [1])
    assert.deepEqual(await where({ mixed: { $in: ['1'] } }), [5])
    assert.deepEqual(await where({ mixed: { $in: [true] } }), [3])
    assert.deepEqual(await where({ mixed: { $in: [0] } }), [7])
    assert.deepEqual(await where({ tags: { $all: ['red', 'green'] } }), [1])
  })

  it('matches SQL, JSON-operator and regex look-alikes literally', async () => {
    assert.deepEqual(await where({ city: SQL }), [1])
    assert.deepEqual(await where({ bio: JSON_OPERATOR }), [3])
    assert.deepEqual(await where({ nickname: BOMB }), [5])
    assert.deepEqual(await where({ nickname: { $contains: '%' } }), [4])
    assert.deepEqual(await where({ _provider: { $has_key: SQL } }), [3])
    assert.deepEqual(await where({ meta: { $has_key: '$ne' } }), [3])
    // Catastrophic for backtracking engines; here they simply answer.
    assert.deepEqual(await where({ bio: { $regex: BOMB } }), [])
    assert.deepEqual(await where({ bio: { $regex: '^(a|a)*!$' } }), [5])
  })

  it('lower-cases with full Unicode rules for icontains and ignores case beyond ASCII in regex', async () => {
    assert.deepEqual(await where({ nickname: { $icontains: 'émile' } }), [3])
    assert.deepEqual(await where({ bio: { $icontains: 'σας' } }), [6])
    assert.deepEqual(await where({ nickname: { $regex: 'é', $options: 'i' } }), [3])
    assert.deepEqual(await where({ nickname: { $regex: 'é' } }), [])
  })

  it('reads a stored date that is not in normal form as unset, like the reference', async () => {
    // Only data written around the validation can hold such a value; see the README.
    const odd = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema, table: 'odd_dates' })
    try {
      await odd.migrate()
      for (const birthday of ['2020-02-30T00:00:00.000Z', '2020-01-01', '2020-01-01T24:00:00.000Z', '2020-01-01T00:00:00.000Z']) {
        await odd.createUser({ profile: { birthday }, createdAt: NOW })
      }
      const page = await odd.listUsers(parseListParams({ where: '{"birthday":{"$isnull":false}}' }, context).query)
      assert.deepEqual(
        page.users.map((u) => u.profile.birthday),
        ['2020-01-01T00:00:00.000Z'],
      )
    } finally {
      await odd.close()
    }
  })

  describe('updates', () => {
    const update = (id: number, operations: UpdateOperation[]) => harness.update(id, operations, NOW + 100)
    const body = (id: number, b: Record<string, unknown>) => harness.body(id, b, NOW + 100)

    it('sets, resets and patches built-in fields like the reference store', async () => {
      let user = await body(1, { nickname: 'Thomas', gender: 2, city: JSON_OPERATOR, avatar: 'https://example.com/a.png' })
      assert.deepEqual([user.nickname, user.gender, user.city, user.updatedAt], ['Thomas', 2, JSON_OPERATOR, NOW + 100])
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
      user = await update(1, [
        { kind: 'unset', field: INTERNAL_FIELDS.provider },
        { kind: 'set', field: INTERNAL_FIELDS.isAuthorized, value: null },
      ])
      assert.deepEqual([user.provider, user.isAuthorized], [{}, false])
    })

    it('increments integers and numbers, counting unset and wrong-typed values as 0, with JavaScript arithmetic', async () => {
      assert.equal((await body(1, { score: { $incr_by: 4 } })).profile.score, 7)
      assert.equal((await body(2, { score: { $incr_by: 2 } })).profile.score, 2, "'not a number' counts as 0")
      assert.equal((await body(3, { score: { $incr_by: -1 } })).profile.score, -1, '2.5 is no integer, so counts as 0')
      assert.equal((await body(4, { score: { $incr_by: 1000 } })).profile.score, 1000, 'unset counts as 0')
      assert.equal((await body(6, { score: { $incr_by: 1 } })).profile.score, 1, 'an unsafe integer counts as 0')
      assert.equal((await body(8, { rating: { $incr_by: 0.1 } })).profile.rating, 0.1)
      assert.equal((await body(8, { rating: { $incr_by: 0.2 } })).profile.rating, 0.1 + 0.2)
      assert.equal((await body(3, { rating: { $incr_by: 1e-7 } })).profile.rating, 1e21 + 1e-7)
      assert.equal((await body(2, { rating: { $incr_by: -1.5 } })).profile.rating, -1.5, "'1.5' counts as 0")
      assert.equal((await body(5, { rating: { $incr_by: 0.1 } })).profile.rating, -2.5 + 0.1)
    })

    it('appends, appends unique values in order, removes, and pops arrays like the reference store', async () => {
      assert.deepEqual((await body(1, { tags: { $append: ['red', 'blue'] } })).profile.tags, ['red', 'green', 'red', 'blue'])
      assert.deepEqual((await body(1, { tags: { $append_unique: ['blue', 'pink', 'pink', 'green', 'cyan'] } })).profile.tags, ['red', 'green', 'red', 'blue', 'pink', 'cyan'])
      assert.deepEqual((await body(1, { tags: { $remove: ['red', 'cyan', 'absent'] } })).profile.tags, ['green', 'blue', 'pink'])
      assert.deepEqual((await body(1, { tags: { $pop: 1 } })).profile.tags, ['green', 'blue'])
      assert.deepEqual((await body(1, { tags: { $pop: -1 } })).profile.tags, ['blue'])
      assert.deepEqual((await body(3, { tags: { $pop: 1 } })).profile.tags, [], 'popping an empty array leaves it empty')
      assert.deepEqual((await body(4, { tags: { $pop: -1 } })).profile.tags, [], 'an unset array counts as empty')
      assert.deepEqual((await body(2, { tags: { $remove: ['red'] } })).profile.tags, [], "a string 'red' is not an array")
      assert.deepEqual((await body(5, { tags: { $append_unique: ['x'] } })).profile.tags, ['x'])
      const direct: UpdateOperation = { kind: 'append_unique', field: field('mixed'), values: [1, '1', true, 1, 'true', false] }
      assert.deepEqual((await update(3, [direct])).profile.mixed, [true, 1.5, 1, '1', 'true', false])
      assert.deepEqual((await body(3, { mixed: { $remove: [1, 'true'] } })).profile.mixed, [true, 1.5, '1', false])
      assert.deepEqual((await body(7, { mixed: { $append: [1, 'x'] } })).profile.mixed, [0, false, 1, 'x'])
    })

    it('patches objects shallowly, treating a non-object as empty, and sets and clears custom fields', async () => {
      assert.deepEqual((await body(1, { meta: { $update: { a: { deep: [1] }, b: null, [SQL]: 1 } } })).profile.meta, { a: { deep: [1] }, "q'uote": 'v', b: null, [SQL]: 1 })
      assert.deepEqual((await body(2, { meta: { $update: { k: 'v' } } })).profile.meta, { k: 'v' })
      let user = await body(6, { bio: null, birthday: '2024-06-01T08:00:00+08:00', vip: false, meta: { x: JSON_OPERATOR } })
      assert.deepEqual([user.profile.bio, user.profile.birthday, user.profile.vip, user.profile.meta], [undefined, '2024-06-01T00:00:00.000Z', false, { x: JSON_OPERATOR }])
      user = await body(6, { $unset: { vip: '', score: '', meta: '' }, tags: [SQL, JSON_OPERATOR] })
      assert.deepEqual(user.profile, { rating: 0.30000000000000004, birthday: '2024-06-01T00:00:00.000Z', tags: [SQL, JSON_OPERATOR] })
      user = await update(7, [])
      assert.equal(user.updatedAt, NOW + 100)
    })

    it('answers every filter like the reference store after the updates', async () => {
      await assertLikeReference(WHERES, ORDERS)
    })
  })
})
