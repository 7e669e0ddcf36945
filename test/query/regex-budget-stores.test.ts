import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { isUserRouterError } from '../../src/errors.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { UserStore } from '../../src/ports.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { EVENT_LOOP_STORES, WORST_PATTERN } from './regex-stores.js'

const NOW = 1_700_000_000
const USERS = 100_000
const context = { schema: createUserSchema(), visibility: 'all' } as const

async function fill(store: UserStore): Promise<void> {
  for (let i = 0; i < USERS; i++) await store.createUser({ nickname: `user number ${i} `.padEnd(40, 'x'), createdAt: NOW })
}

for (const [name, create] of EVENT_LOOP_STORES) {
  describe(`regex work per query (${name} store)`, () => {
    it('refuses a list of 100,000 users filtered by worst-case patterns with query_too_complex', async () => {
      const store = await create()
      try {
        await fill(store)
        const where = JSON.stringify({ $or: [{ nickname: { $regex: WORST_PATTERN, $options: 'i' } }, { nickname: { $regex: WORST_PATTERN } }] })
        const { query } = parseListParams({ where, return_total_count: '1' }, context)
        await assert.rejects(store.listUsers(query), (e) => isUserRouterError(e, 'query_too_complex'))
        // An ordinary pattern over the same users still answers.
        const plain = parseListParams({ where: JSON.stringify({ nickname: { $regex: '^user number 4\\d{4} ', $options: 'i' } }), return_total_count: '1' }, context)
        assert.equal((await store.listUsers(plain.query)).totalCount, 10_000)
      } finally {
        await store.close()
      }
    })
  })
}

describe('regex work per query (two SQLite stores on one connection)', () => {
  it('bounds the regex work of the first store after a second one registered its functions', async () => {
    const database = new Database(':memory:')
    const first = new SqliteUserStore({ database, table: 'first_users' })
    await first.migrate()
    const second = new SqliteUserStore({ database, table: 'second_users' })
    await second.migrate()
    try {
      for (let i = 0; i < 2000; i++) await first.createUser({ nickname: `user number ${i} `.padEnd(100, 'x'), createdAt: NOW })
      const where = JSON.stringify({ $or: [{ nickname: { $regex: WORST_PATTERN, $options: 'i' } }, { nickname: { $regex: WORST_PATTERN } }] })
      await assert.rejects(first.listUsers(parseListParams({ where }, context).query), (e) => isUserRouterError(e, 'query_too_complex'))
      assert.equal((await second.listUsers(parseListParams({ where }, context).query)).users.length, 0)
    } finally {
      await first.close()
      await second.close()
      database.close()
    }
  })
})
