/**
 * Differential test: a seeded generator makes thousands of users and hundreds of random queries and
 * updates; the memory, SQLite and PostgreSQL stores must give identical answers to every one, with
 * and without indexed custom fields.
 * Any dialect difference (collation, nulls, JSON typing, float arithmetic) shows up here.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { UserStore } from '../../src/ports.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { comparable, createRandom, RANDOM_PROFILE_FIELDS, randomListParams, randomSuspension, randomUpdateBody, randomUser } from '../../src/testing/index.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from '../helpers/postgres.js'

const USERS = 3000
const QUERIES = 300
const UPDATES = 400
const SEED = 20261121

const schema = createUserSchema(RANDOM_PROFILE_FIELDS)
/** Every scalar custom field indexed (stores reading them from indexed columns must answer the same), and combinations mixing them with built-in fields and directions. */
const INDEXED = {
  indexedFields: { score: 'integer', rating: 'number', bio: 'string', vip: 'boolean', birthday: 'date' },
  indexes: [['-score'], ['vip', '-rating'], ['gender', '-birthday'], ['bio', 'created_at'], ['_username', '-score']],
} as const
const context = { schema, visibility: 'all' } as const
const pgUnavailable = await postgresUnavailable()

describe('memory, SQLite and PostgreSQL stores agree', () => {
  const stores: [string, UserStore][] = []
  let pgSchema: TestSchema | undefined
  let backfilled: PostgresUserStore | undefined
  const random = createRandom(SEED)

  before(async () => {
    const sqlite = new SqliteUserStore()
    await sqlite.migrate()
    const sqliteIndexed = new SqliteUserStore(INDEXED)
    await sqliteIndexed.migrate()
    stores.push(['memory', new MemoryUserStore()], ['sqlite', sqlite], ['sqlite with indexed fields', sqliteIndexed])
    if (!pgUnavailable) {
      pgSchema = await createTestSchema('differential')
      const pg = new PostgresUserStore({ connectionString: pgSchema.connectionString, schema: pgSchema.schema })
      await pg.migrate()
      stores.push(['postgres', pg])
      // Indexed columns kept by the trigger from the first user on.
      const indexed = new PostgresUserStore({ connectionString: pgSchema.connectionString, schema: pgSchema.schema, table: 'indexed_users', ...INDEXED })
      await indexed.migrate()
      // Indexed columns filled by a later migration of users stored without them.
      const plain = new PostgresUserStore({ connectionString: pgSchema.connectionString, schema: pgSchema.schema, table: 'backfilled_users' })
      await plain.migrate()
      await plain.close()
      backfilled = new PostgresUserStore({ connectionString: pgSchema.connectionString, schema: pgSchema.schema, table: 'backfilled_users', ...INDEXED })
      stores.push(['postgres with indexed fields', indexed], ['postgres with backfilled indexed fields', backfilled])
    }
  })
  after(async () => {
    await Promise.all(stores.map(([, s]) => s.close()))
    await pgSchema?.drop()
  })

  it('includes PostgreSQL', { skip: pgUnavailable ?? false }, () => {})

  async function all<T>(run: (store: UserStore) => Promise<T>): Promise<[string, T][]> {
    return Promise.all(stores.map(async ([name, store]) => [name, await run(store)] as [string, T]))
  }

  function assertSame<T>(answers: [string, T][], label: string): void {
    const [[firstName, first], ...rest] = answers as [[string, T], ...[string, T][]]
    for (const [name, answer] of rest) assert.deepEqual(answer, first, `${label}: ${name} differs from ${firstName}`)
  }

  async function compareQueries(count: number, round: string): Promise<void> {
    for (let q = 0; q < count; q++) {
      const params = randomListParams(random, { idFilters: true })
      const { query } = parseListParams(params, context)
      const answers = await all(async (store) => {
        const page = await store.listUsers(query)
        return { ids: page.users.map((u) => u.id), hasMore: page.hasMore, totalCount: page.totalCount }
      })
      assertSame(answers, `${round} query ${q} ${JSON.stringify(params)}`)
    }
  }

  it(`stores ${USERS} random users identically`, async () => {
    for (let i = 0; i < USERS; i++) {
      const input = randomUser(random, i)
      const answers = await all(async (store) => {
        const user = await store.createUser(input)
        return { id: user.id, user: comparable(user) }
      })
      assertSame(answers, `user ${i}`)
    }
  })

  it('fills the indexed columns of the users stored before', { skip: pgUnavailable ?? false }, async () => {
    await backfilled!.migrate()
  })

  it(`answers ${QUERIES} random queries identically`, async () => {
    await compareQueries(QUERIES, 'first round')
  })

  it(`applies ${UPDATES} random updates identically`, async () => {
    for (let u = 0; u < UPDATES; u++) {
      const id = random.int(1, USERS)
      const body = randomUpdateBody(random)
      const suspension = randomSuspension(random)
      const changes = { operations: [...parseProfileUpdate(body, schema), ...suspension], updatedAt: 1_800_000_000 + u }
      const answers = await all(async (store) => {
        const user = await store.updateUser(id, changes)
        return user && comparable(user)
      })
      assertSame(answers, `update ${u} of user ${id}: ${JSON.stringify(body)}${suspension.length ? ' with _suspended' : ''}`)
    }
  })

  it(`answers ${QUERIES / 2} more random queries identically after the updates`, async () => {
    await compareQueries(QUERIES / 2, 'second round')
  })
})
