/**
 * The exported conformance suite for `UserStore` implementations. Any adapter that passes it
 * behaves like the shipped ones: the same uniqueness rules (third-party identities included), atomic
 * updates and deletions, and the same answer as the reference (in-memory) store to every filter, sort and update.
 *
 * ```ts
 * import { describeUserStoreConformance } from 'express-user-router/testing'
 * describeUserStoreConformance('MyStore', async () => new MyStore(await freshDatabase()))
 * ```
 */
import assert from 'node:assert/strict'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { isUserRouterError } from '../errors.js'
import { INTERNAL_FIELDS } from '../model/fields.js'
import { createUserSchema } from '../model/schema.js'
import type { StoredUser } from '../model/user.js'
import type { UserStore } from '../ports.js'
import { parseListParams } from '../query/parse-list-params.js'
import { parseProfileUpdate } from '../query/parse-update.js'
import { identityTests } from './identity-conformance.js'
import { lifecycleTests } from './lifecycle-conformance.js'
import { storeSuite, type ConformanceRunner } from './runner.js'
import { createRandom, RANDOM_PROFILE_FIELDS, randomListParams, randomSuspension, randomUpdateBody, randomUser } from './random-data.js'

export type { ConformanceRunner }

export interface ConformanceOptions {
  runner?: ConformanceRunner
  /** Seed of the random comparison with the reference store (default 1). */
  seed?: number
  /** Users, queries and updates of the random comparison (defaults 150, 80, 80). */
  users?: number
  queries?: number
  updates?: number
}

/** Returns a fresh, empty, migrated store for each test; the suite closes it. */
export type UserStoreFactory = () => UserStore | Promise<UserStore>

const schema = createUserSchema(RANDOM_PROFILE_FIELDS)
const context = { schema, visibility: 'all' } as const
const NOW = 1_700_000_000

export function describeUserStoreConformance(name: string, factory: UserStoreFactory, options: ConformanceOptions = {}): void {
  const { describe, test } = storeSuite(options.runner, factory)

  describe(`UserStore conformance: ${name}`, () => {
    test('creates users with distinct positive integer ids that increase, and the documented defaults', async (store) => {
      const a = await store.createUser({ username: 'alice', createdAt: NOW })
      const b = await store.createUser({ email: 'b@example.com', createdAt: NOW + 1 })
      assert.ok(Number.isSafeInteger(a.id) && a.id > 0 && b.id > a.id, `createUser must give positive integer ids that increase in creation order: got ${a.id}, then ${b.id}`)
      assert.deepEqual(
        { ...a, id: 0 },
        {
          id: 0,
          username: 'alice',
          email: null,
          emailVerified: false,
          phone: null,
          phoneVerified: false,
          provider: {},
          avatar: '',
          nickname: '',
          gender: 0,
          country: '',
          province: '',
          city: '',
          language: '',
          isAuthorized: false,
          anonymous: false,
          suspended: false,
          createdAt: NOW,
          updatedAt: NOW,
          passwordHash: null,
          profile: {},
          identities: [],
        },
        'createUser must answer the user with every field not given at its documented default',
      )
      assert.deepEqual(await store.getUserById(a.id), a, 'getUserById must answer the user exactly as createUser did')
    })

    test('returns null for an unknown id or identifier', async (store) => {
      assert.equal(await store.getUserById(987654), null, 'getUserById of an unknown id must answer null')
      assert.equal(await store.getUserByIdentifier('username', 'nobody'), null, 'getUserByIdentifier of an unknown username must answer null')
      assert.equal(await store.updateUser(987654, { operations: [], updatedAt: NOW }), null, 'updateUser of an unknown id must answer null')
    })

    test('answers namespace(), when it has one, with the same non-empty string on every call', async (store) => {
      if (store.namespace === undefined) return
      const namespace = store.namespace()
      assert.equal(typeof namespace, 'string')
      assert.ok(namespace.length > 0)
      await store.createUser({ username: 'someone', createdAt: NOW })
      assert.equal(store.namespace(), namespace, 'users do not change where they live')
    })

    test('finds users by username and e-mail case-insensitively and by phone exactly', async (store) => {
      const user = await store.createUser({ username: 'MiXed', email: 'Some.One@Example.COM', phone: '13800138000', createdAt: NOW })
      assert.equal(
        (await store.getUserByIdentifier('username', 'mixed'))?.id,
        user.id,
        `getUserByIdentifier('username', 'mixed') must find the user named 'MiXed' (id ${user.id}): usernames are looked up whatever their letter case`,
      )
      assert.equal(
        (await store.getUserByIdentifier('email', 'some.one@example.com'))?.id,
        user.id,
        `getUserByIdentifier('email', 'some.one@example.com') must find the user with e-mail 'Some.One@Example.COM' (id ${user.id}): e-mails are looked up whatever their letter case`,
      )
      assert.equal(
        (await store.getUserByIdentifier('phone', '13800138000'))?.id,
        user.id,
        `getUserByIdentifier('phone', '13800138000') must find the user with that phone (id ${user.id})`,
      )
      assert.equal((await store.getUserById(user.id))?.username, 'MiXed', 'usernames must be stored as given, letter case included')
    })

    for (const kind of ['username', 'email', 'phone'] as const) {
      test(`rejects a duplicate ${kind} with ${kind}_taken, whatever the letter case`, async (store) => {
        const value = kind === 'phone' ? '13900000001' : kind === 'email' ? 'dup@example.com' : 'dupName'
        await store.createUser({ [kind]: value, createdAt: NOW })
        const again = kind === 'phone' ? value : value.toUpperCase()
        await assert.rejects(
          store.createUser({ [kind]: again, createdAt: NOW }),
          (e) => isUserRouterError(e, `${kind}_taken`),
          `createUser with the ${kind} ${JSON.stringify(again)}, taken as ${JSON.stringify(value)}, must reject with UserRouterError ${kind}_taken`,
        )
      })
    }

    test('lets any number of users have no username, e-mail or phone', async (store) => {
      for (let i = 0; i < 3; i++) await store.createUser({ createdAt: NOW })
      const page = await store.listUsers(parseListParams({ return_total_count: '1' }, context).query)
      assert.equal(page.totalCount, 3, 'three users without username, e-mail or phone must all be created and counted (no unique rule on absent identifiers)')
    })

    test('gives exactly one success to 20 concurrent creates of one username', async (store) => {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createUser({ username: i % 2 ? 'Racer' : 'racer', createdAt: NOW })))
      assert.equal(
        results.filter((r) => r.status === 'fulfilled').length,
        1,
        'exactly one of 20 concurrent createUser calls with one username (any letter case) must succeed: the backend itself must enforce uniqueness',
      )
      for (const r of results)
        if (r.status === 'rejected')
          assert.ok(
            isUserRouterError(r.reason, 'username_taken'),
            `the losers of a concurrent createUser race must reject with UserRouterError username_taken, got ${String(r.reason)}`,
          )
    })

    test('adds exactly 100 with 100 concurrent increments of one field', async (store) => {
      const user = await store.createUser({ createdAt: NOW })
      const operations = parseProfileUpdate({ score: { $incr_by: 1 } }, schema)
      await Promise.all(Array.from({ length: 100 }, () => store.updateUser(user.id, { operations, updatedAt: NOW + 1 })))
      assert.equal(
        (await store.getUserById(user.id))?.profile.score,
        100,
        '100 concurrent $incr_by 1 updates must add exactly 100: each updateUser must apply atomically, not read-modify-write',
      )
    })

    test('refuses an increment past the range of its field, leaving the user unchanged', async (store) => {
      const user = await store.createUser({ profile: { score: Number.MAX_SAFE_INTEGER, rating: 1.7e308 }, createdAt: NOW })
      for (const body of [{ score: { $incr_by: 1 } }, { rating: { $incr_by: 1.7e308 } }, { nickname: 'x', score: { $incr_by: -1 }, rating: { $incr_by: 1.7e308 } }]) {
        const operations = parseProfileUpdate(body, schema)
        await assert.rejects(
          store.updateUser(user.id, { operations, updatedAt: NOW + 1 }),
          (e) => isUserRouterError(e, 'invalid_update'),
          `updateUser ${JSON.stringify(body)} takes a field past its range: it must reject with UserRouterError invalid_update`,
        )
        assert.deepEqual(await store.getUserById(user.id), user, `a refused updateUser ${JSON.stringify(body)} must leave the user unchanged`)
      }
    })

    test("refuses appends past an array's maxLength and merges past 16 KiB, leaving the user unchanged", async (store) => {
      const tags = Array.from({ length: 1000 }, (_, i) => `t${i}`)
      const meta = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 'x'.repeat(1000)]))
      const user = await store.createUser({ profile: { tags, meta }, createdAt: NOW })
      for (const [body, label] of [
        [{ tags: { $append: ['new'] } }, 'tags.$append'],
        [{ tags: { $append_unique: ['t1', 'new'] } }, 'tags.$append_unique'],
        [{ meta: { $update: { k16: 'x'.repeat(300) } } }, 'meta.$update'],
      ] as const) {
        const operations = parseProfileUpdate(body, schema)
        await assert.rejects(
          store.updateUser(user.id, { operations, updatedAt: NOW + 1 }),
          (e) => isUserRouterError(e, 'invalid_update') && e.details?.[0]?.field === label,
          `updateUser ${label} past its limit must reject with UserRouterError invalid_update whose details[0].field is '${label}'`,
        )
        assert.deepEqual(await store.getUserById(user.id), user, `a refused updateUser ${label} must leave the user unchanged`)
      }
      const kept = await store.updateUser(user.id, { operations: parseProfileUpdate({ tags: { $append_unique: ['t1'] } }, schema), updatedAt: NOW + 2 })
      assert.equal((kept?.profile.tags as unknown[] | undefined)?.length, 1000, 'an $append_unique of values already present must be accepted at maxLength and add nothing')
    })

    test('leaves a user unchanged when an update takes an identifier already in use', async (store) => {
      await store.createUser({ email: 'taken@example.com', createdAt: NOW })
      const user = await store.createUser({ email: 'mine@example.com', nickname: 'before', createdAt: NOW })
      const operations = [{ kind: 'set' as const, field: INTERNAL_FIELDS.email, value: 'TAKEN@example.com' }, ...parseProfileUpdate({ nickname: 'after' }, schema)]
      await assert.rejects(
        store.updateUser(user.id, { operations, updatedAt: NOW + 5 }),
        (e) => isUserRouterError(e, 'email_taken'),
        'updateUser setting an e-mail another user has (any letter case) must reject with UserRouterError email_taken',
      )
      assert.deepEqual(await store.getUserById(user.id), user, 'an updateUser refused with email_taken must change nothing, its other operations included')
    })

    test('frees an identifier once its owner changes it', async (store) => {
      const user = await store.createUser({ username: 'first', createdAt: NOW })
      await store.updateUser(user.id, { operations: [{ kind: 'set', field: INTERNAL_FIELDS.username, value: 'second' }], updatedAt: NOW })
      assert.equal((await store.createUser({ username: 'FIRST', createdAt: NOW })).username, 'FIRST', 'a username its owner changed away from must be free for createUser again')
    })

    test('stores internal fields and free-form JSON exactly', async (store) => {
      const provider = { wechat: { openid: 'o-1', list: [1, 'two', null, { deep: true }] } }
      const user = await store.createUser({ passwordHash: 'c2NyeXB0', provider, anonymous: true, nickname: '😀 中文 \'"\\', createdAt: NOW })
      const read = await store.getUserById(user.id)
      assert.deepEqual(
        [read?.passwordHash, read?.provider, read?.anonymous, read?.nickname],
        ['c2NyeXB0', provider, true, '😀 中文 \'"\\'],
        'passwordHash, provider (nested JSON), anonymous and a nickname with emoji, CJK and quotes must read back exactly as created',
      )
      const updated = await store.updateUser(user.id, {
        operations: [
          { kind: 'set', field: INTERNAL_FIELDS.passwordHash, value: null },
          { kind: 'set', field: INTERNAL_FIELDS.phoneVerified, value: true },
        ],
        updatedAt: NOW + 9,
      })
      assert.deepEqual(
        [updated?.passwordHash, updated?.phoneVerified, updated?.updatedAt],
        [null, true, NOW + 9],
        'updateUser must set internal fields (passwordHash to null, phoneVerified) and updatedAt as given',
      )
    })

    test('treats a stored custom value of another type, or a date not in normal form, as unset', async (store) => {
      const user = await store.createUser({ profile: { score: 'not a number', birthday: '2020-01-01' }, createdAt: NOW })
      const other = await store.createUser({ profile: { score: 1, birthday: '2020-01-01T00:00:00.000Z' }, createdAt: NOW })
      for (const [where, expected] of [
        ['{"score":{"$isnull":true}}', [user.id]],
        ['{"birthday":{"$isnull":true}}', [user.id]],
        ['{"birthday":"2020-01-01"}', [other.id]],
      ] as const) {
        const page = await store.listUsers(parseListParams({ where }, context).query)
        assert.deepEqual(
          page.users.map((u) => u.id),
          expected,
          `listUsers where ${where}: a stored value of another type, or a date not in normal form, must read as unset`,
        )
      }
      const updated = await store.updateUser(user.id, { operations: parseProfileUpdate({ score: { $incr_by: 2 } }, schema), updatedAt: NOW })
      assert.equal(updated?.profile.score, 2, '$incr_by on a stored value of another type must count it as unset (0)')
    })

    test('counts every match whatever the page holds: a full page, a last page, a page past the end, no match', async (store) => {
      for (let i = 0; i < 5; i++) await store.createUser({ nickname: `counted ${i}`, city: 'Countville', createdAt: NOW + i })
      const where = JSON.stringify({ city: 'Countville' })
      const counted = async (params: Record<string, string>) => {
        const page = await store.listUsers(parseListParams({ where, return_total_count: '1', ...params }, context).query)
        return { users: page.users.length, hasMore: page.hasMore, totalCount: page.totalCount }
      }
      assert.deepEqual(await counted({ limit: '2' }), { users: 2, hasMore: true, totalCount: 5 }, 'a first page of 2 of 5 matches')
      assert.deepEqual(await counted({ limit: '2', offset: '4' }), { users: 1, hasMore: false, totalCount: 5 }, 'the last page')
      assert.deepEqual(await counted({ offset: '9' }), { users: 0, hasMore: false, totalCount: 5 }, 'a page past the end still counts every match')
      const none = await store.listUsers(parseListParams({ where: JSON.stringify({ city: 'Nowhere' }), return_total_count: '1' }, context).query)
      assert.deepEqual({ users: none.users.length, totalCount: none.totalCount }, { users: 0, totalCount: 0 }, 'no match counts 0')
    })

    test('matches strings that look like SQL, JSON operators or regex bombs literally', async (store) => {
      const tricky = ["'; DROP TABLE users; --", '{"$ne": null}', '(a+)+$', '%', '_', '\\']
      const ids = []
      for (const nickname of tricky) ids.push((await store.createUser({ nickname, createdAt: NOW })).id)
      for (const [i, nickname] of tricky.entries()) {
        for (const where of [{ nickname }, { nickname: { $contains: nickname } }, { nickname: { $in: [nickname] } }]) {
          const page = await store.listUsers(parseListParams({ where: JSON.stringify(where) }, context).query)
          assert.deepEqual(
            page.users.map((u) => u.id),
            [ids[i]],
            `listUsers where ${JSON.stringify(where)} must match that nickname literally, and only it`,
          )
        }
      }
    })

    identityTests(test)

    lifecycleTests(test)

    test('answers every random query and update exactly like the reference store', async (store) => {
      await compareWithReference(store, options)
    })
  })
}

/** Fills the store and a reference store with the same random users, then compares answers. */
async function compareWithReference(store: UserStore, options: ConformanceOptions): Promise<void> {
  const random = createRandom(options.seed ?? 1)
  const reference = new MemoryUserStore()
  const ids: number[] = []
  for (let i = 0; i < (options.users ?? 150); i++) {
    const input = randomUser(random, i)
    const [mine, theirs] = [await store.createUser(input), await reference.createUser(input)]
    assert.deepEqual(comparable(mine), comparable(theirs), `createUser of random user ${i} must answer the same user (id aside) as the reference store`)
    ids.push(mine.id)
  }
  const toIndex = (user: StoredUser) => ids.indexOf(user.id)
  for (let q = 0; q < (options.queries ?? 80); q++) {
    const params = randomListParams(random, { idFilters: false })
    const { query } = parseListParams(params, context)
    const [mine, theirs] = await Promise.all([store.listUsers(query), reference.listUsers(query)])
    assert.deepEqual(
      { users: mine.users.map(toIndex), hasMore: mine.hasMore, totalCount: mine.totalCount },
      { users: theirs.users.map((u) => u.id - 1), hasMore: theirs.hasMore, totalCount: theirs.totalCount },
      `query ${q} must answer the same users, hasMore and totalCount as the reference store: ${JSON.stringify(params)}`,
    )
  }
  for (let u = 0; u < (options.updates ?? 80); u++) {
    const index = random.int(0, ids.length - 1)
    const body = randomUpdateBody(random)
    const changes = { operations: [...parseProfileUpdate(body, schema), ...randomSuspension(random)], updatedAt: NOW + u }
    const [mine, theirs] = [await store.updateUser(ids[index]!, changes), await reference.updateUser(index + 1, changes)]
    assert.deepEqual(
      mine && comparable(mine),
      theirs && comparable(theirs),
      `update ${u} of user ${index} must answer the same user (id aside) as the reference store: ${JSON.stringify(body)}`,
    )
  }
}

/** A user without its id, for comparing stores whose ids differ. */
export function comparable(user: StoredUser): Omit<StoredUser, 'id'> {
  const { id: _id, ...rest } = user
  return rest
}
