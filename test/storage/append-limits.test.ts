import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { isUserRouterError, type UserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { JsonObject } from '../../src/model/user.js'
import type { UserStore } from '../../src/ports.js'
import { jsonbTextBytes } from '../../src/model/json-size.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'

const NOW = 1_700_000_000
const schema = createUserSchema({
  tags: { type: 'array', items: 'string', maxLength: 3 },
  mixed: { type: 'array', maxLength: 5 },
  bio: 'string',
  meta: 'object',
  ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${String(i).padStart(2, '0')}`, 'string' as const])),
})
const unavailable = await postgresUnavailable()
const schemas: TestSchema[] = []
after(() => Promise.all(schemas.map((s) => s.drop())))

const stores: [string, () => Promise<UserStore>, string | false][] = [
  ['memory', async () => new MemoryUserStore(), false],
  [
    'SQLite',
    async () => {
      const store = new SqliteUserStore()
      await store.migrate()
      return store
    },
    false,
  ],
  [
    'PostgreSQL',
    async () => {
      const test = await createTestSchema('append_limits')
      schemas.push(test)
      const store = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema })
      await store.migrate()
      return store
    },
    unavailable ?? false,
  ],
]

const update = (body: object) => ({ operations: parseProfileUpdate(body, schema), updatedAt: NOW + 1 })

function namesField(label: string) {
  return (error: unknown) => isUserRouterError(error, 'invalid_update') && (error as UserRouterError).details?.[0]?.field === label
}

for (const [name, create, skip] of stores) {
  describe(`updates stay within array and object limits (${name})`, { skip }, () => {
    it('refuses $append and $append_unique that would pass maxLength, naming the field, and changes nothing', async () => {
      const store = await create()
      try {
        const user = await store.createUser({ profile: { tags: ['a', 'b'] }, nickname: 'before', createdAt: NOW })
        await assert.rejects(store.updateUser(user.id, update({ tags: { $append: ['c', 'd'] } })), namesField('tags.$append'))
        await assert.rejects(store.updateUser(user.id, update({ nickname: 'after', tags: { $append_unique: ['a', 'c', 'd'] } })), namesField('tags.$append_unique'))
        assert.deepEqual(await store.getUserById(user.id), user)
        // Up to the limit is fine, and values already present do not count.
        const full = await store.updateUser(user.id, update({ tags: { $append_unique: ['a', 'b', 'c'] } }))
        assert.deepEqual(full?.profile.tags, ['a', 'b', 'c'])
        assert.deepEqual((await store.updateUser(user.id, update({ tags: { $append_unique: ['c'] } })))?.profile.tags, ['a', 'b', 'c'])
        await assert.rejects(store.updateUser(user.id, update({ tags: { $append: ['c'] } })), namesField('tags.$append'))
        // An unset array counts as empty.
        const other = await store.createUser({ createdAt: NOW })
        await assert.rejects(store.updateUser(other.id, update({ mixed: { $append: [1, 2, 3, 4, 5, 6] } })), namesField('mixed.$append'))
        assert.deepEqual((await store.updateUser(other.id, update({ mixed: { $append: [1, 2, 3, 4, 5] } })))?.profile.mixed, [1, 2, 3, 4, 5])
        assert.equal(await store.updateUser(987654, update({ tags: { $append: ['x'] } })), null)
      } finally {
        await store.close()
      }
    })

    it('lets exactly maxLength of 20 concurrent one-item appends succeed', async () => {
      const store = await create()
      try {
        const user = await store.createUser({ createdAt: NOW })
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.updateUser(user.id, update({ mixed: { $append: [i] } }))))
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5)
        for (const r of results) if (r.status === 'rejected') assert.ok(namesField('mixed.$append')(r.reason), String(r.reason))
        assert.equal(Array.isArray((await store.getUserById(user.id))?.profile.mixed) && ((await store.getUserById(user.id))!.profile.mixed as unknown[]).length, 5)
      } finally {
        await store.close()
      }
    })

    it('refuses an update that would make the custom fields of a user larger than 64 KiB', async () => {
      const store = await create()
      try {
        const user = await store.createUser({ createdAt: NOW })
        // Each field adds `"sNN": "x…x"` (4,105 bytes) and a ", " separator: 15 fit in 65,536 bytes.
        let set = 0
        for (let i = 0; i < 20; i++) {
          try {
            await store.updateUser(user.id, update({ [`s${String(i).padStart(2, '0')}`]: 'x'.repeat(4096) }))
            set++
          } catch (error) {
            assert.ok(namesField('body')(error), String(error))
            break
          }
        }
        assert.equal(set, 15)
        assert.equal(Object.keys((await store.getUserById(user.id))!.profile).length, 15)
        // Built-in fields still change, and so do custom ones that make the profile smaller.
        assert.equal((await store.updateUser(user.id, update({ nickname: 'still' })))?.nickname, 'still')
        assert.ok(await store.updateUser(user.id, update({ s00: 'short', s15: 'x' })))
      } finally {
        await store.close()
      }
    })

    it('refuses an $update that would grow an object past 16 KiB, however small each merge is', async () => {
      const store = await create()
      try {
        const user = await store.createUser({ createdAt: NOW })
        // Each merge adds `"kNN": "x…x"` (1,009 bytes) and a ", " separator: 16 fit in 16,384 bytes.
        let merged = 0
        for (let i = 0; i < 30; i++) {
          const key = `k${String(i).padStart(2, '0')}`
          try {
            await store.updateUser(user.id, update({ meta: { $update: { [key]: 'x'.repeat(1000) } } }))
            merged++
          } catch (error) {
            assert.ok(namesField('meta.$update')(error), String(error))
            break
          }
        }
        assert.equal(merged, 16)
        const stored = await store.getUserById(user.id)
        assert.equal(Object.keys(stored?.profile.meta as object).length, 16)
        // Replacing a key's value by a shorter one still merges.
        assert.ok(await store.updateUser(user.id, update({ meta: { $update: { k00: 'short' } } })))
      } finally {
        await store.close()
      }
    })
  })
}

describe('the size measure of merged objects is what PostgreSQL prints', { skip: unavailable ?? false }, () => {
  it('agrees with octet_length(jsonb::text) on numbers, escapes, Unicode and nesting', async () => {
    const test = await createTestSchema('json_size')
    schemas.push(test)
    const values: JsonObject[] = [
      {},
      { a: 1 },
      { a: [] },
      { a: [1, 2, { b: null }] },
      { n: 1e21, m: -1.5e-7, k: 1.2345e300, z: 0.1, w: -0, big: 123456789012345680000 },
      { s: 'quote " back \\ tab \t nl \n cr \r ff \f bs \b bell \u0007 del \u007f' },
      { 'ké y': '中文 😀 é', '': '' },
      { deep: { deeper: [true, false, null, 'x'] } },
    ]
    for (const value of values) {
      const { rows } = await test.pool.query('SELECT octet_length($1::jsonb::text) AS n', [JSON.stringify(value)])
      assert.equal(jsonbTextBytes(value), rows[0].n, JSON.stringify(value))
    }
  })
})
