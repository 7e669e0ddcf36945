/**
 * SqliteUserStore itself: schema and options, identifiers and their unique indexes, atomic updates
 * across stores and processes sharing a file, failure mapping, and parameter binding.
 * (Filters, sorts and update operations: sqlite-queries.test.ts.)
 */
import assert from 'node:assert/strict'
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { compileFilter } from '../../adapters/sqlite/compile-filter.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { ERROR_CODES, isUserRouterError, type UserRouterError, type ErrorCode } from '../../src/errors.js'
import { INTERNAL_FIELDS } from '../../src/model/fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { UserStore } from '../../src/ports.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'
import { parseWhere } from '../../src/query/parse-where.js'
import { describeUserStoreConformance } from '../../src/testing/index.js'

const NOW = 1_700_000_000
const schema = createUserSchema({ score: 'integer', bio: 'string', tags: 'array', meta: 'object', birthday: 'date' })
const context = { schema, visibility: 'all' } as const
const increment = { operations: parseProfileUpdate({ score: { $incr_by: 1 } }, schema), updatedAt: NOW + 1 }

const directory = mkdtempSync(join(tmpdir(), 'eur-sqlite-'))
let files = 0
/** A fresh database file path in the temporary directory (removed after the tests). */
const freshFile = () => join(directory, `users-${++files}.db`)
after(() => rmSync(directory, { recursive: true, force: true }))

async function memoryStore(): Promise<SqliteUserStore> {
  const store = new SqliteUserStore()
  await store.migrate()
  return store
}

/** Whether `error` is a UserRouterError with `code` and the code's own public message. */
function isPublicError(error: unknown, code: ErrorCode): boolean {
  return isUserRouterError(error, code) && error.message === ERROR_CODES[code].message
}

async function list(store: UserStore, where: unknown): Promise<number[]> {
  const page = await store.listUsers(parseListParams({ where: JSON.stringify(where), limit: '1000' }, context).query)
  return page.users.map((u) => u.id)
}

describe('SqliteUserStore', () => {
  it('creates its table and indexes, and migrating again changes nothing', async () => {
    const database = new Database(':memory:')
    const store = new SqliteUserStore({ database, table: 'app_users' })
    await store.migrate()
    const user = await store.createUser({ username: 'kept', createdAt: NOW })
    await store.migrate()
    assert.deepEqual(await store.getUserById(user.id), user)
    const indexes = database.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'app_users' AND sql IS NOT NULL ORDER BY name").all()
    assert.deepEqual(
      indexes.map((r) => (r as { name: string }).name),
      ['app_users_created_at', 'app_users_email_key', 'app_users_gender', 'app_users_nickname', 'app_users_phone', 'app_users_updated_at', 'app_users_username_key'],
    )
    await store.close()
    database.close()
  })

  it('gives a database of an earlier version its identities table at the next migrate; deleting a user deletes its identities', async () => {
    const database = new Database(':memory:')
    const store = new SqliteUserStore({ database, table: 'app_users' })
    await store.migrate()
    // What an earlier version created: the users table alone.
    database.exec('DROP TABLE app_users_identities')
    const user = await store.createUser({ username: 'older', createdAt: NOW })
    await store.migrate()
    const indexes = database.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'app_users_identities' ORDER BY name").all()
    assert.deepEqual(
      indexes.map((r) => (r as { name: string }).name),
      ['app_users_identities_provider_subject', 'app_users_identities_union_id', 'app_users_identities_user_id'],
    )
    const identity = { provider: 'wechat', subject: 'o-openid', unionId: 'union', linkedAt: NOW }
    assert.deepEqual((await store.linkIdentity(user.id, identity))?.identities, [identity])
    await assert.rejects(store.createUserWithIdentity({ createdAt: NOW }, identity), (e) => isPublicError(e, 'identity_taken'))
    // ON DELETE CASCADE, with foreign keys on (the store turns them on in databases it opens itself).
    database.pragma('foreign_keys = ON')
    database.prepare('DELETE FROM app_users WHERE id = ?').run(user.id)
    assert.deepEqual(database.prepare('SELECT count(*) AS n FROM app_users_identities').get(), { n: 0 })
    await store.close()
    database.close()
  })

  it('gives a table of an earlier version its suspended column at the next migrate, existing users not suspended', async () => {
    const database = new Database(':memory:')
    const store = new SqliteUserStore({ database, table: 'app_users', indexedFields: { score: 'integer' } })
    await store.migrate()
    const user = await store.createUserWithIdentity({ username: 'older', profile: { score: 1 }, createdAt: NOW }, { provider: 'wechat', subject: 'o', linkedAt: NOW })
    // What an earlier version created: the users table without the column.
    database.exec('ALTER TABLE app_users DROP COLUMN suspended')
    await store.migrate()
    await store.migrate()
    assert.deepEqual(await store.getUserById(user.id), user, 'an existing user must read back unchanged, suspended: false')
    const suspended = { operations: [{ kind: 'set' as const, field: INTERNAL_FIELDS.suspended, value: true }], updatedAt: NOW + 1 }
    assert.equal((await store.updateUser(user.id, suspended))?.suspended, true)
    assert.deepEqual(await list(store, { _suspended: true }), [user.id])
    assert.deepEqual(await store.deleteUser(user.id), { ...user, suspended: true, updatedAt: NOW + 1 })
    await store.close()
    database.close()
  })

  it("deletes a user's identities with it in an app's database whose foreign keys are off", async () => {
    const database = new Database(':memory:')
    database.pragma('foreign_keys = OFF')
    const store = new SqliteUserStore({ database, table: 'app_users' })
    await store.migrate()
    const identity = { provider: 'wechat', subject: 'o', unionId: null, linkedAt: NOW }
    const user = await store.createUserWithIdentity({ createdAt: NOW }, identity)
    assert.deepEqual(await store.deleteUser(user.id), user)
    assert.deepEqual(database.prepare('SELECT count(*) AS n FROM app_users_identities').get(), { n: 0 })
    assert.deepEqual((await store.createUserWithIdentity({ createdAt: NOW }, identity)).identities, [identity], 'the identity must be free at once')
    await store.close()
    database.close()
  })

  it('checks its options with errors that name the option', () => {
    for (const table of ['Users', 'user-table', 'x'.repeat(64), '1users', '"users"', '']) {
      assert.throws(() => new SqliteUserStore({ table }), /options\.table/, table)
    }
    assert.throws(() => new SqliteUserStore({ busyTimeoutMs: -1 }), /options\.busyTimeoutMs/)
    assert.throws(() => new SqliteUserStore({ filename: '' }), /options\.filename/)
    assert.throws(() => new SqliteUserStore({ filename: join(directory, 'no such directory', 'users.db') }), /options\.filename: cannot open/)
    const database = new Database(':memory:')
    assert.throws(() => new SqliteUserStore({ database, filename: freshFile() }), /options\.filename/)
    assert.throws(() => new SqliteUserStore({ database: {} as Database.Database }), /options\.database/)
    database.close()
  })

  it('creates users and finds them by id, by username and e-mail whatever the letter case, and by phone exactly', async () => {
    const store = await memoryStore()
    const user = await store.createUser({ username: 'ÉMILE', email: 'Émile@Example.COM', phone: '+4915112345678', nickname: 'é', createdAt: NOW })
    assert.ok(Number.isSafeInteger(user.id) && user.id > 0)
    assert.deepEqual(await store.getUserById(user.id), user)
    assert.equal((await store.getUserByIdentifier('username', 'émile'))?.id, user.id, 'beyond ASCII, unlike SQLite lower()')
    assert.equal((await store.getUserByIdentifier('email', 'émile@example.com'))?.id, user.id)
    assert.equal((await store.getUserByIdentifier('phone', '+4915112345678'))?.id, user.id)
    assert.equal(await store.getUserByIdentifier('username', 'emile'), null)
    for (const id of [0, -1, 1.5, Number.NaN, 2 ** 60, user.id + 1]) assert.equal(await store.getUserById(id), null, String(id))
    await assert.rejects(store.createUser({ username: 'émile', createdAt: NOW }), (e) => isPublicError(e, 'username_taken'))
    await store.close()
  })

  for (const kind of ['username', 'email', 'phone'] as const) {
    it(`gives exactly one success to 20 concurrent creates of one ${kind} and ${kind}_taken to the other 19`, async () => {
      const store = await memoryStore()
      const value = (i: number) => (kind === 'phone' ? '13800138000' : kind === 'email' ? (i % 2 ? 'Race@Example.com' : 'race@example.COM') : i % 2 ? 'Racer' : 'rACER')
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.createUser({ [kind]: value(i), createdAt: NOW })))
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
      for (const r of results) if (r.status === 'rejected') assert.ok(isPublicError(r.reason, `${kind}_taken`), String(r.reason))
      await store.close()
    })
  }

  it('names the username first when a new user repeats several identifiers, as the memory store does', async () => {
    const store = await memoryStore()
    await store.createUser({ username: 'one', email: 'one@example.com', phone: '13900000001', createdAt: NOW })
    await assert.rejects(store.createUser({ username: 'ONE', email: 'ONE@example.com', phone: '13900000001', createdAt: NOW }), (e) => isPublicError(e, 'username_taken'))
    await assert.rejects(store.createUser({ username: 'two', email: 'ONE@example.com', phone: '13900000001', createdAt: NOW }), (e) => isPublicError(e, 'email_taken'))
    await assert.rejects(store.createUser({ username: 'two', email: 'two@example.com', phone: '13900000001', createdAt: NOW }), (e) => isPublicError(e, 'phone_taken'))
    await store.close()
  })

  it('rejects an update that takes a used identifier and leaves the user unchanged', async () => {
    const store = await memoryStore()
    await store.createUser({ username: 'taken', phone: '13900000002', createdAt: NOW })
    const user = await store.createUser({ username: 'mine', nickname: 'before', createdAt: NOW })
    const nickname = parseProfileUpdate({ nickname: 'after' }, schema)
    for (const [field, value, code] of [
      [INTERNAL_FIELDS.username, 'TAKEN', 'username_taken'],
      [INTERNAL_FIELDS.phone, '13900000002', 'phone_taken'],
    ] as const) {
      const changes = { operations: [{ kind: 'set' as const, field, value }, ...nickname], updatedAt: NOW + 5 }
      await assert.rejects(store.updateUser(user.id, changes), (e) => isPublicError(e, code))
    }
    assert.deepEqual(await store.getUserById(user.id), user)
    await store.close()
  })

  it('adds exactly 100 with 100 concurrent increments of one field', async () => {
    const store = await memoryStore()
    const user = await store.createUser({ createdAt: NOW })
    await Promise.all(Array.from({ length: 100 }, () => store.updateUser(user.id, increment)))
    assert.equal((await store.getUserById(user.id))?.profile.score, 100)
    await store.close()
  })

  it('adds exactly 100 with 100 concurrent increments from two stores sharing one file', async () => {
    const filename = freshFile()
    const [a, b] = [new SqliteUserStore({ filename }), new SqliteUserStore({ filename })]
    await Promise.all([a.migrate(), b.migrate()])
    const user = await a.createUser({ createdAt: NOW })
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).updateUser(user.id, increment)))
    assert.equal((await b.getUserById(user.id))?.profile.score, 100)
    await Promise.all([a.close(), b.close()])
  })

  it('loses no increment when two processes update one user in one file at the same time', async () => {
    const filename = freshFile()
    const store = new SqliteUserStore({ filename })
    await store.migrate()
    const user = await store.createUser({ profile: { score: 1 }, createdAt: NOW })
    const script = fileURLToPath(new URL('./sqlite-increment-worker.js', import.meta.url))
    const perProcess = 150
    const workers = [0, 1].map(() => {
      const child = fork(script, [filename, String(user.id), String(perProcess)])
      const said = (word: string) =>
        new Promise<void>((resolve, reject) => {
          child.on('message', (m) => m === word && resolve())
          child.once('exit', (code) => reject(new Error(`worker exited with ${code} before "${word}"`)))
        })
      return { child, ready: said('ready'), done: said('done'), exited: new Promise((resolve) => child.once('exit', resolve)) }
    })
    await Promise.all(workers.map((w) => w.ready))
    for (const w of workers) w.child.send('go')
    await Promise.all(workers.map((w) => w.done))
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0])
    assert.equal((await store.getUserById(user.id))?.profile.score, 1 + 2 * perProcess)
    await store.close()
  })

  it('keeps users in a WAL-mode file across reopening and never reuses an id', async () => {
    const filename = freshFile()
    let store = new SqliteUserStore({ filename })
    await store.migrate()
    const first = await store.createUser({ username: 'first', provider: { a: [1, { b: null }] }, profile: { bio: 'x' }, createdAt: NOW })
    const last = await store.createUser({ username: 'last', createdAt: NOW })
    await store.close()
    const raw = new Database(filename)
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal')
    raw.prepare('DELETE FROM user_router_users WHERE id = ?').run(last.id)
    raw.close()
    store = new SqliteUserStore({ filename })
    await store.migrate()
    assert.deepEqual(await store.getUserById(first.id), first)
    assert.ok((await store.createUser({ createdAt: NOW })).id > last.id)
    await store.close()
  })

  it("uses an app's own database, keeps tables apart, returns numbers under safeIntegers, and leaves it open on close", async () => {
    const database = new Database(':memory:').defaultSafeIntegers(true)
    const [a, b] = [new SqliteUserStore({ database, table: 'a_users' }), new SqliteUserStore({ database, table: 'b_users' })]
    await a.migrate()
    await b.migrate()
    const user = await a.createUser({ username: 'same', gender: 2, createdAt: NOW })
    await b.createUser({ username: 'same', createdAt: NOW })
    assert.deepEqual([user.id, user.gender, user.createdAt], [1, 2, NOW])
    const page = await a.listUsers(parseListParams({ return_total_count: '1' }, context).query)
    assert.deepEqual([page.users, page.totalCount], [[user], 1])
    await a.close()
    assert.ok(database.open)
    assert.equal((await b.getUserByIdentifier('username', 'SAME'))?.username, 'same')
    database.close()
  })

  it('fails with unavailable, keeping the driver error as cause only, while another connection holds the write lock', async () => {
    const filename = freshFile()
    const store = new SqliteUserStore({ filename, busyTimeoutMs: 50 })
    await store.migrate()
    const user = await store.createUser({ createdAt: NOW })
    const blocker = new Database(filename)
    blocker.exec('BEGIN IMMEDIATE')
    try {
      const busy = (e: unknown) => isPublicError(e, 'unavailable') && /^SQLITE_BUSY/.test(String(((e as UserRouterError).cause as { code?: string }).code))
      await assert.rejects(store.createUser({ createdAt: NOW }), busy)
      await assert.rejects(store.updateUser(user.id, increment), busy)
      assert.deepEqual(await store.getUserById(user.id), user, 'readers never wait in WAL mode')
    } finally {
      blocker.exec('ROLLBACK')
      blocker.close()
    }
    assert.equal((await store.updateUser(user.id, increment))?.profile.score, 1)
    await store.close()
  })

  it('hides other driver failures behind internal errors with the public default message', async () => {
    const store = new SqliteUserStore()
    await assert.rejects(store.getUserById(1), (e) => isPublicError(e, 'internal') && /no such table/.test(String((e as Error).cause)))
    await store.close()
  })

  it('binds every value, JSON path, key and pattern as a parameter', () => {
    const marker = 'zq\'"\\$.[0]'
    const where = {
      $or: [
        { bio: marker },
        { bio: { $ne: marker } },
        { bio: { $in: [marker] } },
        { bio: { $nin: [marker] } },
        { bio: { $contains: marker } },
        { bio: { $icontains: marker } },
        { bio: { $regex: 'zq\\$', $options: 'i' } },
        { tags: { $in: [marker] } },
        { tags: { $all: [marker] } },
        { tags: { $nin: [marker] } },
        { meta: { $has_key: marker } },
        { _provider: { $has_key: marker } },
        { nickname: { $gt: marker } },
        { birthday: { $lt: '2000-01-01' } },
        { score: { $isnull: true } },
      ],
    }
    const compiled = compileFilter(parseWhere(where, context)!)
    for (const text of ['zq', '$.', 'bio', 'tags', 'meta', '2000']) assert.ok(!compiled.text.includes(text), `${text} in ${compiled.text}`)
    assert.equal(compiled.text.split('?').length - 1, compiled.params.length)
    assert.ok(compiled.params.includes('$."bio"') && compiled.params.includes(marker))
  })

  it('stores and matches SQL, JSON-operator and regex look-alikes literally', async () => {
    const store = await memoryStore()
    const tricky = ["'; DROP TABLE x; --", "'); DROP TABLE user_router_users; --", '{"$ne": null}', '$.a', '(a+)+$', '%', '_', '\\', '"', '*']
    const ids: number[] = []
    for (const value of tricky) {
      ids.push((await store.createUser({ nickname: value, profile: { bio: value, tags: [value], meta: { [value]: value } }, createdAt: NOW })).id)
    }
    for (const [i, value] of tricky.entries()) {
      const escaped = value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
      const wheres = [
        { nickname: value },
        { bio: value },
        { bio: { $in: [value] } },
        { bio: { $regex: `^${escaped}$` } },
        { tags: { $in: [value] } },
        { tags: { $all: [value] } },
        { meta: { $has_key: value } },
      ]
      for (const where of wheres) assert.deepEqual(await list(store, where), [ids[i]], JSON.stringify(where))
      const containing = ids.filter((_, j) => tricky[j]!.includes(value))
      for (const where of [{ bio: { $contains: value } }, { bio: { $icontains: value } }, { bio: { $regex: escaped } }]) {
        assert.deepEqual(await list(store, where), containing, JSON.stringify(where))
      }
    }
    assert.equal((await store.listUsers(parseListParams({ return_total_count: '1' }, context).query)).totalCount, tricky.length)
    await store.close()
  })
})

describeUserStoreConformance('SqliteUserStore (WAL file)', async () => {
  const store = new SqliteUserStore({ filename: freshFile() })
  await store.migrate()
  return store
})
