/**
 * `UserStore.namespace()` of the shipped stores: the same for every store on the same users (a
 * second process, a restart, another spelling of the same place), different for other users, and
 * never holding a password. The router's default Redis key prefix is derived from it.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'

const dir = mkdtempSync(join(tmpdir(), 'eur-namespace-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('MemoryUserStore.namespace()', () => {
  it('differs between two stores (each holds its own users) and stays the same for one', () => {
    const [a, b] = [new MemoryUserStore(), new MemoryUserStore()]
    assert.notEqual(a.namespace(), b.namespace())
    assert.equal(a.namespace(), a.namespace())
  })
})

describe('SqliteUserStore.namespace()', () => {
  it('is the same for one file however it is named or opened, and differs per file and per table', async () => {
    const file = join(dir, 'users.db')
    const stores = [
      new SqliteUserStore({ filename: file }),
      new SqliteUserStore({ filename: relative(process.cwd(), file) }),
      new SqliteUserStore({ database: new Database(file) }),
    ]
    const other = new SqliteUserStore({ filename: join(dir, 'other.db') })
    const otherTable = new SqliteUserStore({ filename: file, table: 'other_users' })
    try {
      assert.deepEqual(new Set(stores.map((s) => s.namespace())).size, 1, JSON.stringify(stores.map((s) => s.namespace())))
      assert.notEqual(other.namespace(), stores[0]!.namespace())
      assert.notEqual(otherTable.namespace(), stores[0]!.namespace())
    } finally {
      for (const store of [...stores, other, otherTable]) await store.close()
    }
  })

  it('differs between two in-memory databases, which never share users', async () => {
    const [a, b] = [new SqliteUserStore(), new SqliteUserStore({ filename: ':memory:' })]
    assert.notEqual(a.namespace(), b.namespace())
    await a.close()
    await b.close()
  })
})

describe('PostgresUserStore.namespace()', () => {
  // No connection is made: the namespace comes from the resolved settings alone.
  const url = 'postgres://alice:s3cret-word@db.example.com:6543/shop'

  it('is the same for the same host, port, database, schema and table, whoever connects and through which pool', async () => {
    const pool = new pg.Pool({ host: 'db.example.com', port: 6543, database: 'shop', user: 'bob', password: 'other' })
    const stores = [
      new PostgresUserStore({ connectionString: url, schema: 'app' }),
      new PostgresUserStore({ connectionString: 'postgres://bob@db.example.com:6543/shop', schema: 'app' }),
      new PostgresUserStore({ pool, schema: 'app' }),
    ]
    try {
      assert.equal(new Set(stores.map((s) => s.namespace())).size, 1, JSON.stringify(stores.map((s) => s.namespace())))
      assert.ok(!stores[0]!.namespace().includes('s3cret'), 'no password')
      assert.ok(!stores[0]!.namespace().includes('alice'), 'no user')
    } finally {
      for (const store of stores) await store.close()
      await pool.end()
    }
  })

  it('differs for another schema, table, database, host or port', async () => {
    const base = new PostgresUserStore({ connectionString: url, schema: 'app' })
    const others = [
      new PostgresUserStore({ connectionString: url, schema: 'other' }),
      new PostgresUserStore({ connectionString: url, schema: 'app', table: 'people' }),
      new PostgresUserStore({ connectionString: 'postgres://alice@db.example.com:6543/blog', schema: 'app' }),
      new PostgresUserStore({ connectionString: 'postgres://alice@db2.example.com:6543/shop', schema: 'app' }),
      new PostgresUserStore({ connectionString: 'postgres://alice@db.example.com:5432/shop', schema: 'app' }),
    ]
    try {
      const namespaces = [base, ...others].map((s) => s.namespace())
      assert.equal(new Set(namespaces).size, namespaces.length, JSON.stringify(namespaces))
    } finally {
      for (const store of [base, ...others]) await store.close()
    }
  })
})
