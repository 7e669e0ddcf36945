/**
 * SqliteUserStore with indexed custom fields: lists and counts filtered or sorted on them read the
 * declared indexes; migrate() adds the generated columns to a file that already has users, their
 * values are exactly the profile's reading (odd JSON included) and stay so through every write,
 * a changed type re-creates the column, and migrating again changes nothing.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { generatedColumnName, indexedColumns, indexPlan } from '../../adapters/sqlite/indexed-columns.js'
import { SqliteUserStore, type SqliteUserStoreOptions } from '../../adapters/sqlite/index.js'
import { listSql } from '../../adapters/sqlite/list-sql.js'
import type { Sql } from '../../adapters/sqlite/sql.js'
import { parseIndexOptions } from '../../src/model/indexed-fields.js'
import { createUserSchema } from '../../src/model/schema.js'
import type { JsonObject } from '../../src/model/user.js'
import { readProfileValue } from '../../src/model/values.js'
import { parseListParams } from '../../src/query/parse-list-params.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'

const NOW = 1_700_000_000
const TABLE = 'app_users'
const schema = createUserSchema({ score: 'integer', rating: 'number', bio: 'string', vip: 'boolean', birthday: 'date', isVip: 'boolean', isvip: 'boolean' })
const context = { schema, visibility: 'all' } as const
const DECLARED = { indexedFields: { score: 'integer', birthday: 'date' }, indexes: [['-score']] } satisfies SqliteUserStoreOptions
const ALL_SCALARS = {
  indexedFields: { score: 'integer', rating: 'number', bio: 'string', vip: 'boolean', birthday: 'date', isVip: 'boolean', isvip: 'boolean' },
} satisfies SqliteUserStoreOptions

const directory = mkdtempSync(join(tmpdir(), 'eur-sqlite-indexed-'))
let files = 0
const freshFile = () => join(directory, `users-${++files}.db`)
after(() => rmSync(directory, { recursive: true, force: true }))

/** A store on its own connection to `file` (in memory when omitted), migrated. */
async function openStore(options: SqliteUserStoreOptions, file = ':memory:'): Promise<{ store: SqliteUserStore; db: Database.Database }> {
  const db = new Database(file)
  const store = new SqliteUserStore({ ...options, database: db, table: TABLE })
  await store.migrate()
  return { store, db }
}

/** The compiled page and count statements of a list, as the store runs them. */
function compiled(options: SqliteUserStoreOptions, params: Record<string, string>): { page: Sql; count: Sql } {
  const { query } = parseListParams({ limit: '20', return_total_count: '1', ...params }, context)
  return listSql(`"${TABLE}"`, query, indexedColumns(parseIndexOptions('SqliteUserStore', options)))
}

function plan(db: Database.Database, statement: Sql): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${statement.text}`).all(...statement.params) as { detail: string }[]).map((row) => row.detail)
}

/** The names of the indexes `migrate()` derives from `options`, in declaration order. */
function indexNames(options: SqliteUserStoreOptions): string[] {
  return indexPlan(TABLE, parseIndexOptions('SqliteUserStore', options)).indexes.map((i) => i.name)
}

/** Whether a count statement ever reads a row of the table (an opcode reading a column of the table's cursor). */
function countReadsRows(db: Database.Database, statement: Sql): boolean {
  const root = (db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(TABLE) as { rootpage: number }).rootpage
  const ops = db.prepare(`EXPLAIN ${statement.text}`).all(...statement.params) as { opcode: string; p1: number; p2: number }[]
  const cursor = ops.find((op) => op.opcode === 'OpenRead' && op.p2 === root)?.p1
  assert.notEqual(cursor, undefined, 'the statement opens the table')
  return ops.some((op) => op.p1 === cursor && ['Column', 'SeekRowid', 'NotExists', 'Rowid'].includes(op.opcode))
}

/** Each row's generated column values beside the profile's reading of the same field (booleans as 0/1). */
function columnsAgainstProfile(db: Database.Database, fields: readonly string[]): { column: [string, unknown][]; profile: [string, unknown][] } {
  const selected = fields.map((f) => `"${generatedColumnName(f)}"`).join(', ')
  const rows = db.prepare(`SELECT profile, ${selected} FROM ${TABLE} ORDER BY id`).raw().all() as unknown[][]
  const column: [string, unknown][] = []
  const profile: [string, unknown][] = []
  for (const [text, ...values] of rows) {
    const stored = JSON.parse(text as string) as JsonObject
    fields.forEach((name, i) => {
      const value = readProfileValue(schema.fields.get(name)!, stored[name])
      column.push([name, values[i]])
      profile.push([name, typeof value === 'boolean' ? Number(value) : value])
    })
  }
  return { column, profile }
}

const schemaVersion = (db: Database.Database) => db.pragma('schema_version', { simple: true }) as number

describe('SqliteUserStore with indexed custom fields', () => {
  it('serves lists and counts filtered or sorted on an indexed field from its index', async () => {
    const { store, db } = await openStore(DECLARED)
    for (let i = 0; i < 300; i++) {
      const profile: JsonObject = i % 4 === 0 ? {} : { score: i % 50, birthday: `20${String(i % 90).padStart(2, '0')}-01-01T00:00:00.000Z` }
      await store.createUser({ nickname: `n${i}`, profile, createdAt: NOW + i })
    }
    const [score, birthday, leaderboard] = indexNames(DECLARED)
    // Either index on score serves a filter on it: both are keyed (score IS NULL), score.
    const uses = (names: readonly (string | undefined)[]) => new RegExp(`^SEARCH u USING INDEX (${names.join('|')}) \\(`)
    for (const [params, index] of [
      [{ where: '{"score":{"$gte":40}}' }, [score, leaderboard]],
      [{ where: '{"score":7}' }, [score, leaderboard]],
      [{ where: '{"score":{"$in":[1,2,3]}}' }, [score, leaderboard]],
      [{ where: '{"score":{"$isnull":true}}' }, [score, leaderboard]],
      [{ where: '{"score":{"$gte":40}}', order_by: '-created_at' }, [score, leaderboard]],
      [{ where: '{"birthday":{"$lt":"2010-01-01T00:00:00.000Z"}}' }, [birthday]],
    ] as const) {
      const statements = compiled(DECLARED, params)
      assert.match(plan(db, statements.page)[0]!, uses(index), `page of ${JSON.stringify(params)}`)
      assert.match(plan(db, statements.count)[0]!, uses(index), `count of ${JSON.stringify(params)}`)
      // SQLite calls it USING INDEX (a generated column counts as the whole row), yet no row is read.
      assert.equal(countReadsRows(db, statements.count), false, `count of ${JSON.stringify(params)} reads the index only`)
    }
    // Equal scores come out in id order from the index itself: no sort.
    assert.match(plan(db, compiled(DECLARED, { where: '{"score":7}' }).page).join('\n'), /^SEARCH u USING INDEX \S+ \(<expr>=\? AND profile\.score=\?\)$/)
    assert.deepEqual(plan(db, compiled(DECLARED, { order_by: 'score' }).page), [`SCAN u USING INDEX ${score}`])
    assert.deepEqual(plan(db, compiled(DECLARED, { order_by: '-score' }).page), [`SCAN u USING INDEX ${leaderboard}`])
    // Values still travel as parameters when a column replaces the JSON path.
    const bound = compiled(DECLARED, { where: '{"birthday":"2001-01-01T00:00:00.000Z","score":{"$lt":12345}}' }).page
    assert.ok(!bound.text.includes('2001-01-01') && !bound.text.includes('12345') && bound.params.includes('2001-01-01T00:00:00.000Z') && bound.params.includes(12345))
    // Without the declaration the same count scans the table and reads every row.
    const unindexed = compiled({}, { where: '{"score":{"$gte":40}}' }).count
    assert.deepEqual(plan(db, unindexed), ['SCAN u'])
    assert.equal(countReadsRows(db, unindexed), true)
    await store.close()
  })

  it('adds the columns to a file with users, each equal to the profile reading, and writes keep them so', async () => {
    const file = freshFile()
    const plain = await openStore({}, file)
    await plain.store.createUser({
      nickname: 'plain',
      profile: { score: 5, rating: 2.5, bio: 'hi', vip: true, birthday: '2020-02-29T12:30:00.000Z', isVip: false },
      createdAt: NOW,
    })
    // Odd JSON another writer may have left: each reads as the reference reads it.
    const odd: string[] = [
      '{"score":"10","rating":"1","bio":5,"vip":"true","birthday":"2020-02-29"}',
      '{"score":1.5,"rating":1,"bio":"","vip":1,"birthday":"2020-02-30T00:00:00.000Z"}',
      '{"score":9007199254740993,"rating":-0.5,"vip":false,"isvip":true}',
      '{"score":12345678901234567890,"rating":12345678901234567890}',
      '{"score":-9007199254740991,"bio":null,"vip":null}',
      '{"score":[1],"bio":{"a":1},"birthday":20200229}',
    ]
    for (const profile of odd) plain.db.prepare(`INSERT INTO ${TABLE} (created_at, updated_at, profile) VALUES (?, ?, ?)`).run(NOW, NOW, profile)
    await plain.store.close()
    plain.db.close()

    const { store, db } = await openStore(ALL_SCALARS, file)
    const fields = Object.keys(ALL_SCALARS.indexedFields)
    const initial = columnsAgainstProfile(db, fields)
    assert.deepEqual(initial.column, initial.profile)
    assert.ok(initial.column.some(([name, value]) => name === 'score' && value === 5) && initial.column.some(([name, value]) => name === 'isvip' && value === 1))

    // Writes never name the columns: each is computed from `profile`, by the store's writes and by anyone else's.
    const update = (body: Record<string, unknown>) => ({ operations: parseProfileUpdate(body, schema), updatedAt: NOW + 1 })
    await store.updateUser(1, update({ score: { $incr_by: 10 }, bio: 'changed', $unset: { vip: '' } }))
    await store.updateUser(2, update({ score: 3, isVip: true }))
    const created = await store.createUser({ profile: { score: 99, birthday: '2001-01-01T00:00:00.000Z' }, createdAt: NOW + 2 })
    db.prepare(`UPDATE ${TABLE} SET profile = json_set(profile, '$.score', 77) WHERE id = 3`).run()
    const written = columnsAgainstProfile(db, fields)
    assert.deepEqual(written.column, written.profile)
    const ids = async (where: unknown) => (await store.listUsers(parseListParams({ where: JSON.stringify(where), order_by: '-score' }, context).query)).users.map((u) => u.id)
    assert.deepEqual(await ids({ score: { $gte: 15 } }), [created.id, 3, 1])
    assert.deepEqual(await ids({ vip: { $isnull: true }, score: 15 }), [1])
    await store.close()
  })

  it('re-creates a column whose type changed, drops what is no longer declared, and changes nothing when migrated again', async () => {
    const file = freshFile()
    const first = await openStore(DECLARED, file)
    await first.store.createUser({ profile: { score: 1, birthday: '2001-01-01T00:00:00.000Z' }, createdAt: NOW })
    await first.store.createUser({ profile: { score: 'high' }, createdAt: NOW })
    const version = schemaVersion(first.db)
    await first.store.migrate()
    assert.equal(schemaVersion(first.db), version, 'migrating again with the same declaration changes no schema')
    const ownIndexes = (db: Database.Database) =>
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'app_users_idx_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
    assert.deepEqual(ownIndexes(first.db), indexNames(DECLARED).sort())
    first.db.close()

    const changed = { indexedFields: { score: 'string' } } satisfies SqliteUserStoreOptions
    const second = await openStore(changed, file)
    assert.deepEqual(ownIndexes(second.db), indexNames(changed))
    const columns = (second.db.pragma(`table_xinfo(${TABLE})`) as { name: string; hidden: number }[]).filter((c) => c.hidden === 2).map((c) => c.name)
    assert.deepEqual(columns, ['profile.score'])
    assert.deepEqual(second.db.prepare(`SELECT "profile.score" AS v FROM ${TABLE} ORDER BY id`).all(), [{ v: null }, { v: 'high' }])
    const version2 = schemaVersion(second.db)
    await second.store.migrate()
    assert.equal(schemaVersion(second.db), version2)
    second.db.close()
  })

  it('keeps two columns for fields whose names differ only in case', async () => {
    const { store, db } = await openStore({ indexedFields: { isVip: 'boolean', isvip: 'boolean' } })
    await store.createUser({ profile: { isVip: true, isvip: false }, createdAt: NOW })
    assert.deepEqual(db.prepare(`SELECT "${generatedColumnName('isVip')}" AS a, "${generatedColumnName('isvip')}" AS b FROM ${TABLE}`).get(), { a: 1, b: 0 })
    await store.close()
  })

  it('leaves a file readable without the date function, but not writable; refuses a connection that distrusts its schema', async () => {
    const file = freshFile()
    const { store, db } = await openStore(DECLARED, file)
    await store.createUser({ username: 'kept', profile: { birthday: '2001-01-01T00:00:00.000Z' }, createdAt: NOW })
    db.close()
    const other = new Database(file)
    assert.deepEqual(other.prepare(`SELECT username, profile FROM ${TABLE}`).all(), [{ username: 'kept', profile: '{"birthday":"2001-01-01T00:00:00.000Z"}' }])
    assert.throws(() => other.prepare(`SELECT * FROM ${TABLE}`).all(), /eur_date/)
    assert.throws(() => other.prepare(`INSERT INTO ${TABLE} (created_at, updated_at) VALUES (1, 1)`).run(), /eur_date/)
    other.pragma('trusted_schema = OFF')
    assert.throws(
      () => new SqliteUserStore({ database: other, table: TABLE, ...DECLARED }),
      /options\.indexedFields\.birthday: indexed date fields need PRAGMA trusted_schema = ON/,
    )
    other.close()
  })
})

describe('indexed field options of the SQLite and memory stores', () => {
  it('are checked and reported alike; the memory store only records them', async () => {
    const memory = new MemoryUserStore(DECLARED)
    const sqlite = new SqliteUserStore(DECLARED)
    assert.deepEqual(memory.indexedFields(), { score: 'integer', birthday: 'date' })
    assert.deepEqual(sqlite.indexedFields(), memory.indexedFields())
    assert.deepEqual(new MemoryUserStore().indexedFields(), {})
    assert.throws(() => new MemoryUserStore({ indexedFields: { tags: 'array' as never } }), /^Error: MemoryUserStore: options\.indexedFields\.tags must be one of/)
    assert.throws(() => new SqliteUserStore({ indexes: [['score']] }), /^Error: SqliteUserStore: options\.indexes\[0\] names "score"/)
    await sqlite.close()
  })
})
