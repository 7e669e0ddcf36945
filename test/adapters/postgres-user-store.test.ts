/**
 * PostgresUserStore against a real server: migrations, identifiers and their unique indexes,
 * concurrency, errors, and the two pool modes. Filters and updates: postgres-queries.test.ts;
 * plans and timeouts over 100,000 users: postgres-indexes.test.ts.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { PostgresUserStore, type PostgresUserStoreOptions } from '../../adapters/postgres/index.js'
import { ERROR_CODES, isUserRouterError, type ErrorCode } from '../../src/errors.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { createTestSchema, postgresUnavailable, recordingPool, type RecordedStatement, type TestSchema } from '../helpers/postgres.js'

const NOW = 1_700_000_000
const unavailable = await postgresUnavailable()
const schema = createUserSchema({ score: 'integer' })
const IDENTITY = { provider: 'wechat', subject: 'o-openid', unionId: 'union', linkedAt: NOW }

/** Asserts a rejection with a UserRouterError of `code` whose public message is the code's own. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(isUserRouterError(error, code), `expected ${code}, got ${String(error)}`)
    assert.equal(error.message, ERROR_CODES[code].message, 'no driver text in the public message')
    return true
  })
}

/** A TCP proxy to the server that can go silent, like a network partition (nothing is closed). */
async function freezableProxy(target: URL): Promise<{ port: number; freeze(): void; close(): void }> {
  let frozen = false
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from)
      from.on('data', (data) => {
        if (!frozen) to.write(data)
      })
      from.on('error', () => {})
      from.on('close', () => to.destroy())
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true
    },
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

describe('PostgresUserStore', { skip: unavailable ?? false }, () => {
  let test: TestSchema
  const stores: PostgresUserStore[] = []
  const open = (options: PostgresUserStoreOptions = {}) => {
    const store = new PostgresUserStore({ connectionString: test.connectionString, schema: test.schema, ...options })
    stores.push(store)
    return store
  }
  let store: PostgresUserStore

  before(async () => {
    test = await createTestSchema('pg_store')
    store = open()
    await store.migrate()
  })
  after(async () => {
    await Promise.all(stores.map((s) => s.close()))
    await test.drop()
  })

  describe('options', () => {
    it('rejects a schema or table that is not a plain lower-case identifier, naming the option', () => {
      assert.throws(() => new PostgresUserStore({ schema: 'Public' }), /options\.schema/)
      assert.throws(() => new PostgresUserStore({ table: 'users"; DROP TABLE x; --' }), /options\.table/)
      assert.throws(() => new PostgresUserStore({ table: 'a'.repeat(64) }), /options\.table/)
    })

    it('rejects unknown options, bad timeouts, and a pool given with a connection string', () => {
      assert.throws(() => new PostgresUserStore({ tabel: 'x' } as PostgresUserStoreOptions), /options\.tabel/)
      assert.throws(() => new PostgresUserStore({ statementTimeoutMs: 0 }), /options\.statementTimeoutMs/)
      assert.throws(() => new PostgresUserStore({ connectionTimeoutMs: 1.5 }), /options\.connectionTimeoutMs/)
      const pool = new pg.Pool()
      assert.throws(() => new PostgresUserStore({ pool, connectionString: 'postgres://x' }), /options\.pool/)
      assert.throws(() => new PostgresUserStore({ pool, connectionTimeoutMs: 100 }), /options\.connectionTimeoutMs/)
      void pool.end()
    })

    it('rejects a preparedStatements option that is not a boolean', () => {
      assert.throws(() => new PostgresUserStore({ preparedStatements: 'yes' as unknown as boolean }), /options\.preparedStatements/)
    })
  })

  describe('migrate', () => {
    it('can run again on a migrated table without changing it', async () => {
      const user = await store.createUser({ username: 'kept', createdAt: NOW })
      await store.migrate()
      await store.migrate()
      assert.deepEqual(await store.getUserById(user.id), user)
    })

    it('lets two stores migrate the same new table at the same time', async () => {
      const options = { table: 'concurrent_users' }
      const [a, b] = [open(options), open(options)]
      await Promise.all([a.migrate(), b.migrate(), a.migrate()])
      assert.equal((await a.createUser({ username: 'x', createdAt: NOW })).username, 'x')
    })

    it('gives a table of an earlier version its identities table at the next migration; deleting a user deletes its identities', async () => {
      const older = open({ table: 'older_users' })
      await older.migrate()
      // What an earlier version created: the users table alone.
      await test.pool.query(`DROP TABLE "${test.schema}".older_users_identities`)
      const user = await older.createUser({ username: 'older', createdAt: NOW })
      await older.migrate()
      assert.deepEqual((await older.linkIdentity(user.id, IDENTITY))?.identities, [IDENTITY])
      await rejectsWith(older.createUserWithIdentity({ createdAt: NOW }, IDENTITY), 'identity_taken')
      await test.pool.query(`DELETE FROM "${test.schema}".older_users WHERE id = $1`, [user.id])
      const { rows } = await test.pool.query(`SELECT count(*)::int AS n FROM "${test.schema}".older_users_identities`)
      assert.equal(rows[0].n, 0, 'ON DELETE CASCADE: the identities of a deleted user go with it')
    })

    it('gives a table of an earlier version its suspended column at the next migration, existing users not suspended', async () => {
      const older = open({ table: 'unsuspendable_users' })
      await older.migrate()
      const user = await older.createUserWithIdentity({ username: 'older', createdAt: NOW }, IDENTITY)
      // What an earlier version created: the users table without the column.
      await test.pool.query(`ALTER TABLE "${test.schema}".unsuspendable_users DROP COLUMN suspended`)
      await older.migrate()
      await older.migrate()
      assert.deepEqual(await older.getUserById(user.id), user, 'an existing user must read back unchanged, suspended: false')
      const suspended = { operations: [{ kind: 'set' as const, field: INTERNAL_FIELDS.suspended, value: true }], updatedAt: NOW + 1 }
      assert.equal((await older.updateUser(user.id, suspended))?.suspended, true)
      assert.deepEqual(await older.deleteUser(user.id), { ...user, suspended: true, updatedAt: NOW + 1 })
    })

    it('gives a table of an earlier version its never_linked column: existing users still read their identities, and a link by any writer marks its user', async () => {
      const table = 'unmarked_users'
      const older = open({ table })
      await older.migrate()
      const linked = await older.createUserWithIdentity({ username: 'linked', createdAt: NOW }, IDENTITY)
      const plain = await older.createUser({ username: 'plain', createdAt: NOW })
      // What an earlier version created: no column, no trigger on the identities table.
      const identities = `"${test.schema}".${table}_identities`
      const { rows: triggers } = await test.pool.query(`SELECT tgname FROM pg_catalog.pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`, [identities])
      for (const { tgname } of triggers) await test.pool.query(`DROP TRIGGER "${tgname}" ON ${identities}`)
      await test.pool.query(`ALTER TABLE "${test.schema}".${table} DROP COLUMN never_linked`)
      await older.migrate()
      await older.migrate()
      assert.deepEqual(await older.getUserById(linked.id), linked, 'an existing user reads back with its identity')
      assert.deepEqual(await older.getUserById(plain.id), plain)
      // An identity written as an earlier version writes it (no column of its own in the statement).
      const other = { ...IDENTITY, subject: 'o-other' }
      await test.pool.query(`INSERT INTO ${identities} (user_id, provider, subject, union_id, linked_at) VALUES ($1, $2, $3, $4, $5)`, [
        plain.id,
        other.provider,
        other.subject,
        other.unionId,
        other.linkedAt,
      ])
      await older.createUser({ username: 'fresh', createdAt: NOW })
      const laterLinked = await older.createUser({ username: 'later', createdAt: NOW })
      await older.linkIdentity(laterLinked.id, { ...IDENTITY, subject: 'o-later' })
      assert.deepEqual((await older.getUserById(plain.id))?.identities, [other])
      assert.deepEqual((await older.getUserById(laterLinked.id))?.identities, [{ ...IDENTITY, subject: 'o-later' }])
      const { rows } = await test.pool.query(`SELECT username, never_linked FROM "${test.schema}".${table} ORDER BY id`)
      assert.deepEqual(
        rows.map((row) => [row.username, row.never_linked]),
        [
          ['linked', false],
          ['plain', false],
          ['fresh', true],
          ['later', false],
        ],
        'users from before the column are not known to be without identities; new users are until they link one',
      )
    })

    it("migrates a table that has every column without blocking other sessions' reads", async () => {
      // A session reading the table holds its lock until it ends; with lock_timeout set, a migration
      // that wanted the table for itself (as ALTER TABLE does, even for a column that exists) fails.
      const table = 'busy_users'
      const url = new URL(test.connectionString)
      url.searchParams.set('options', '-c lock_timeout=2000')
      const busy = open({ table, connectionString: url.toString() })
      await busy.migrate()
      const reader = await test.pool.connect()
      try {
        await reader.query('BEGIN')
        await reader.query(`SELECT count(*) FROM "${test.schema}".${table}`)
        await busy.migrate()
      } finally {
        await reader.query('COMMIT')
        reader.release()
      }
    })

    it('creates a missing schema, and long table names get distinct index names', async () => {
      const other = `${test.schema}_extra`
      const long = open({ schema: other, table: 't'.repeat(63) })
      try {
        await long.migrate()
        await long.createUser({ username: 'same', email: 'same@example.com', phone: '13800000000', createdAt: NOW })
        await rejectsWith(long.createUser({ username: 'SAME', createdAt: NOW }), 'username_taken')
        await rejectsWith(long.createUser({ email: 'Same@Example.com', createdAt: NOW }), 'email_taken')
        await rejectsWith(long.createUser({ phone: '13800000000', createdAt: NOW }), 'phone_taken')
        await long.createUserWithIdentity({ createdAt: NOW }, IDENTITY)
        await rejectsWith(long.createUserWithIdentity({ createdAt: NOW }, IDENTITY), 'identity_taken')
      } finally {
        await test.pool.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`)
      }
    })

    it('declares every text column with the C collation, so strings sort by code point', async () => {
      const { rows } = await test.pool.query(
        `SELECT column_name, collation_name FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'user_router_users' AND data_type = 'text'`,
        [test.schema],
      )
      assert.equal(rows.length, 10)
      for (const row of rows) assert.equal(row.collation_name, 'C', row.column_name)
    })
  })

  describe('users and identifiers', () => {
    it('creates a user with the defaults, a numeric id, and reads it back identically', async () => {
      const user = await store.createUser({ email: 'defaults@example.com', createdAt: NOW })
      assert.equal(typeof user.id, 'number')
      assert.deepEqual(
        { ...user, id: 0 },
        {
          id: 0,
          username: null,
          email: 'defaults@example.com',
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
      )
      assert.deepEqual(await store.getUserById(user.id), user)
    })

    it('finds usernames and e-mails case-insensitively, Unicode letters included, and phones exactly', async () => {
      const user = await store.createUser({ username: 'ÉmileZoë', email: 'Émile@Example.COM', phone: '+33612345678', createdAt: NOW })
      assert.equal((await store.getUserByIdentifier('username', 'émilezoë'))?.id, user.id)
      assert.equal((await store.getUserByIdentifier('username', 'ÉMILEZOË'))?.id, user.id)
      assert.equal((await store.getUserByIdentifier('email', 'émile@example.com'))?.id, user.id)
      assert.equal((await store.getUserByIdentifier('phone', '+33612345678'))?.id, user.id)
      assert.equal(await store.getUserByIdentifier('phone', '+33 612345678'), null)
      assert.equal(await store.getUserByIdentifier('username', 'émile'), null)
      assert.equal(await store.getUserByIdentifier('username', 'bad\u0000name'), null)
    })

    it('treats accented capitals as the same username as their lower-case forms', async () => {
      await store.createUser({ username: 'ärger', createdAt: NOW })
      await rejectsWith(store.createUser({ username: 'ÄRGER', createdAt: NOW }), 'username_taken')
    })

    it('returns null for ids that are unknown, not integers, or out of range', async () => {
      for (const id of [987654321, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN]) assert.equal(await store.getUserById(id), null)
      assert.equal(await store.updateUser(987654321, { operations: [], updatedAt: NOW }), null)
    })

    for (const kind of ['username', 'email', 'phone'] as const) {
      it(`gives one success and 19 ${kind}_taken errors to 20 concurrent creates of one ${kind}`, async () => {
        const value = (i: number) => (kind === 'phone' ? '13912345678' : kind === 'email' ? (i % 2 ? 'Race@Example.com' : 'race@example.COM') : i % 2 ? 'Racer' : 'rACER')
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createUser({ [kind]: value(i), createdAt: NOW })))
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
        const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
        assert.equal(errors.length, 19)
        for (const error of errors) assert.ok(isUserRouterError(error, `${kind}_taken`), String(error))
      })
    }

    it('refuses an update to a taken identifier and leaves the user unchanged', async () => {
      await store.createUser({ phone: '13700000001', createdAt: NOW })
      const user = await store.createUser({ phone: '13700000002', nickname: 'before', createdAt: NOW })
      const operations = [
        { kind: 'set' as const, field: INTERNAL_FIELDS.phone, value: '13700000001' },
        { kind: 'set' as const, field: schema.fields.get('nickname')!, value: 'after' },
      ]
      await rejectsWith(store.updateUser(user.id, { operations, updatedAt: NOW + 1 }), 'phone_taken')
      assert.deepEqual(await store.getUserById(user.id), user)
    })

    it('adds exactly 100 with 100 concurrent increments', async () => {
      const user = await store.createUser({ createdAt: NOW })
      const operations = parseProfileUpdate({ score: { $incr_by: 1 } }, schema)
      await Promise.all(Array.from({ length: 100 }, () => store.updateUser(user.id, { operations, updatedAt: NOW + 1 })))
      assert.equal((await store.getUserById(user.id))?.profile.score, 100)
    })
  })

  describe('failures', () => {
    it('answers unavailable quickly when nothing listens on the port', async () => {
      const down = new PostgresUserStore({ connectionString: 'postgres://root@127.0.0.1:1/test' })
      const started = Date.now()
      await rejectsWith(down.getUserById(1), 'unavailable')
      await rejectsWith(down.migrate(), 'unavailable')
      await rejectsWith(down.createUser({ username: 'nobody', createdAt: NOW }), 'unavailable')
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
      await down.close()
    })

    it('answers unavailable within the connection timeout when the server accepts but never answers', async () => {
      const silent = net.createServer(() => {})
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      const { port } = silent.address() as net.AddressInfo
      const down = new PostgresUserStore({ connectionString: `postgres://root@127.0.0.1:${port}/test`, connectionTimeoutMs: 300 })
      try {
        const started = Date.now()
        await rejectsWith(down.listUsers({ filter: null, order: [], limit: 1, offset: 0, count: false }), 'unavailable')
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
      } finally {
        await down.close()
        silent.close()
      }
    })

    it('answers unavailable soon after the statement timeout when the server stops answering mid-session', async () => {
      const proxy = await freezableProxy(new URL(test.connectionString))
      const url = new URL(test.connectionString)
      url.host = `127.0.0.1:${proxy.port}`
      const cut = new PostgresUserStore({ connectionString: url.toString(), schema: test.schema, statementTimeoutMs: 200 })
      try {
        const user = await cut.createUser({ createdAt: NOW })
        proxy.freeze()
        const started = Date.now()
        await rejectsWith(cut.getUserById(user.id), 'unavailable')
        assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
      } finally {
        await cut.close()
        proxy.close()
      }
    })

    it('answers unavailable through an app pool whose server is down', async () => {
      const pool = new pg.Pool({ connectionString: 'postgres://root@127.0.0.1:1/test', connectionTimeoutMillis: 500 })
      const down = new PostgresUserStore({ pool })
      await rejectsWith(down.getUserByIdentifier('phone', '13800000000'), 'unavailable')
      await down.close()
      await pool.end()
    })

    it('closes its own pool once, however often close() is called', async () => {
      const extra = open()
      await extra.getUserById(1)
      await extra.close()
      await extra.close()
    })
  })

  describe("an app's own pool", () => {
    it('works through the pool, leaves its sessions unchanged, and is not ended by close()', async () => {
      const pool = new pg.Pool({ connectionString: test.connectionString, max: 1 })
      try {
        const shared = new PostgresUserStore({ pool, schema: test.schema, statementTimeoutMs: 1234 })
        const user = await shared.createUser({ username: 'pooled', createdAt: NOW })
        assert.equal((await shared.getUserByIdentifier('username', 'POOLED'))?.id, user.id)
        await rejectsWith(shared.createUser({ username: 'Pooled', createdAt: NOW }), 'username_taken')
        const updated = await shared.updateUser(user.id, { operations: parseProfileUpdate({ score: 5 }, schema), updatedAt: NOW + 2 })
        assert.equal(updated?.profile.score, 5)
        await shared.close()
        const { rows } = await pool.query('SHOW statement_timeout')
        assert.equal(rows[0].statement_timeout, '0', 'the timeout was set for the store’s transactions only')
        const { rows: states } = await pool.query('SELECT now() = statement_timestamp() AS outside_transaction')
        assert.equal(states[0].outside_transaction, true)
      } finally {
        await pool.end()
      }
    })

    it('reads a user by id through one statement prepared once per connection, and prepares none when told not to', async () => {
      const reads = 7
      const preparedOn = async (options: PostgresUserStoreOptions): Promise<{ statement: string; plans: number }[]> => {
        const pool = new pg.Pool({ connectionString: test.connectionString, max: 1 })
        try {
          const shared = new PostgresUserStore({ pool, schema: test.schema, ...options })
          const user = await shared.createUser({ username: `prepared${Object.keys(options).length}`, createdAt: NOW })
          for (let i = 0; i < reads; i++) assert.equal((await shared.getUserById(user.id))?.id, user.id)
          const { rows } = await pool.query('SELECT statement, generic_plans + custom_plans AS plans FROM pg_prepared_statements')
          return rows.map((row) => ({ statement: String(row.statement), plans: Number(row.plans) }))
        } finally {
          await pool.end()
        }
      }
      const prepared = await preparedOn({})
      assert.equal(prepared.length, 1, 'one prepared statement: the read by id')
      assert.match(prepared[0]!.statement, /WHERE id = \$1::bigint/)
      assert.equal(prepared[0]!.plans, reads, 'every read ran the one prepared statement, parsed once')
      assert.deepEqual(await preparedOn({ preparedStatements: false }), [], 'nothing is prepared (poolers without prepared statements)')
    })

    it('looks identities up only for users who ever linked one, in lists and reads by id', async () => {
      const statements: RecordedStatement[] = []
      const pool = recordingPool(test.connectionString, statements, 'lookup_users')
      const recorded = new PostgresUserStore({ pool, schema: test.schema, table: 'lookup_users', preparedStatements: false })
      stores.push({ close: () => pool.end() } as unknown as PostgresUserStore)
      await recorded.migrate()
      for (let i = 0; i < 4; i++) await recorded.createUser({ nickname: `plain ${i}`, createdAt: NOW })
      await recorded.createUserWithIdentity({ nickname: 'linked', createdAt: NOW }, { ...IDENTITY, subject: 'o-lookup' })
      const unlinked = await recorded.createUser({ nickname: 'unlinked', createdAt: NOW })
      await recorded.linkIdentity(unlinked.id, { ...IDENTITY, subject: 'o-unlinked' })
      await recorded.unlinkIdentity(unlinked.id, IDENTITY.provider, 'o-unlinked')
      /** How often the identities lookup ran when the last recorded statement was run again. */
      const lookups = async (): Promise<number> => {
        const { text, values } = statements.at(-1)!
        const { rows } = await test.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values)
        const loops: number[] = []
        const visit = (node: Record<string, unknown>) => {
          if (node['Parent Relationship'] === 'SubPlan') loops.push(Number(node['Actual Loops']))
          for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child)
        }
        visit((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan)
        assert.equal(loops.length, 1, `one identities lookup in ${text}`)
        return loops[0]!
      }
      const page = await recorded.listUsers(parseListParams({ limit: '20' }, { schema, visibility: 'all' }).query)
      assert.equal(page.users.length, 6)
      assert.equal(await lookups(), 2, 'the user with an identity and the one who unlinked theirs; not the four others')
      const plain = page.users.find((user) => user.nickname === 'plain 0')!
      assert.deepEqual((await recorded.getUserById(plain.id))?.identities, [])
      assert.equal(await lookups(), 0)
    })

    it("does not touch pg's global type parsers", async () => {
      assert.equal(pg.types.getTypeParser(20)('12'), '12', 'int8 still parses to a string for the host app')
      const user = await store.createUser({ createdAt: NOW })
      assert.equal(typeof user.id, 'number')
      assert.equal(typeof user.createdAt, 'number')
    })
  })
})
