import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { isUserRouterError, type UserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { UserStore } from '../../src/ports.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'

const NOW = 1_700_000_000
const schema = createUserSchema({ tags: { type: 'array', items: 'string', maxLength: 3 }, mixed: { type: 'array', maxLength: 5 }, bio: 'string' })
const unavailable = await postgresUnavailable()
const schemas: TestSchema[] = []
after(() => Promise.all(schemas.map((s) => s.drop())))

const stores: [string, () => Promise<UserStore>, string | false][] = [
  ['memory', async () => new MemoryUserStore(), false],
  ['SQLite', async () => {
    const store = new SqliteUserStore()
    await store.migrate()
    return store
  }, false],
  ['PostgreSQL', async () => {
    const test = await createTestSchema('append_limits')
    schemas.push(test)
    const store = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema })
    await store.migrate()
    return store
  }, unavailable ?? false],
]

const update = (body: object) => ({ operations: parseProfileUpdate(body, schema), updatedAt: NOW + 1 })

function namesField(label: string) {
  return (error: unknown) => isUserRouterError(error, 'invalid_update') && (error as UserRouterError).details?.[0]?.field === label
}

for (const [name, create, skip] of stores) {
  describe(`appends stay within an array's maxLength (${name})`, { skip }, () => {
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
        assert.equal((await store.getUserById(user.id))?.profile.mixed instanceof Array && ((await store.getUserById(user.id))!.profile.mixed as unknown[]).length, 5)
      } finally {
        await store.close()
      }
    })
  })
}
