/**
 * A `UserStore` on SQLite through better-sqlite3: a users table with case-insensitive unique indexes
 * on lower-cased identifier keys, a table of third-party identities unique by (provider, subject),
 * filters compiled to SQL with bound parameters, and updates applied with the shared reference
 * (`applyUpdate`) inside one IMMEDIATE transaction, which serialises writers across connections and
 * processes sharing the file.
 *
 * better-sqlite3 is synchronous: each method does all its work before returning its promise, so
 * no transaction ever spans an `await`.
 *
 * Indexed custom fields (`indexedFields`, `indexes`) are VIRTUAL generated columns with indexes,
 * which `migrate()` keeps in step with the declaration (migrate-indexed.ts).
 */
import type Database from 'better-sqlite3'
import { UserRouterError } from '../../src/errors.js'
import { checkNewIdentity, sortIdentities } from '../../src/model/identities.js'
import { identifierKey } from '../../src/model/identifiers.js'
import { type IndexDeclaration, indexedFieldTypes, type IndexableType } from '../../src/model/indexed-fields.js'
import { withUserDefaults, type IdentifierKind, type Identity, type NewIdentity, type NewUser, type StoredUser } from '../../src/model/user.js'
import type { UserPage, UserStore } from '../../src/ports.js'
import { applyUpdate } from '../../src/query/evaluate-update.js'
import { hasRegex, type UserQuery } from '../../src/query/filter.js'
import { RegexBudget, RegexTurns } from '../../src/query/regex/index.js'
import type { UserChanges } from '../../src/query/update.js'
import { checkTrustedSchema, openDatabase, placeOf } from './database.js'
import { toStoreError } from './errors.js'
import type { IndexedColumns } from './field-sql.js'
import { registerFunctions, type RegexWork } from './functions.js'
import { indexedColumns, indexPlan } from './indexed-columns.js'
import { listSql } from './list-sql.js'
import { addMissingColumns, identitiesTable, schemaStatements } from './migrate.js'
import { syncIndexedColumns } from './migrate-indexed.js'
import { parseOptions, type SqliteUserStoreOptions } from './options.js'
import { IDENTITY_COLUMNS, identityParams, rowToIdentity, rowToUser, USER_ROW_COLUMNS, userToRow, type UserRow } from './rows.js'
import type { Sql, SqlValue } from './sql.js'

/** Prepared statements kept per store (list queries vary with their filters). */
const STATEMENT_CACHE_SIZE = 200

const IDENTIFIER_COLUMNS: Record<IdentifierKind, string> = { username: 'username_key', email: 'email_key', phone: 'phone' }

type Statement = Database.Statement<SqlValue[], UserRow>

export class SqliteUserStore implements UserStore {
  private readonly db: Database.Database
  private readonly ownsDatabase: boolean
  private readonly table: string
  private readonly quotedTable: string
  private readonly quotedIdentities: string
  private readonly statements = new Map<string, Statement>()
  private readonly transaction: Database.Transaction<(work: () => unknown) => unknown>
  private readonly regexWork: RegexWork
  private readonly regexTurns = new RegexTurns()
  private readonly place: string
  private readonly indexDeclaration: IndexDeclaration
  private readonly indexedColumns: IndexedColumns
  /** The stored columns, as every read selects them. */
  private readonly selected = USER_ROW_COLUMNS.map((c) => `"${c}"`).join(', ')

  constructor(options: SqliteUserStoreOptions = {}) {
    const config = parseOptions(options)
    this.table = config.table
    this.quotedTable = `"${config.table}"`
    this.quotedIdentities = `"${identitiesTable(config.table)}"`
    if (config.database) {
      this.db = config.database
      this.ownsDatabase = false
      if (config.busyTimeoutGiven) this.db.pragma(`busy_timeout = ${config.busyTimeoutMs}`)
    } else {
      this.db = openDatabase(config.filename, config.busyTimeoutMs)
      this.ownsDatabase = true
    }
    this.indexDeclaration = config.indexes
    this.indexedColumns = indexedColumns(config.indexes)
    checkTrustedSchema(this.db, config.indexes)
    this.regexWork = registerFunctions(this.db)
    this.place = placeOf(this.db, this.table)
    this.transaction = this.db.transaction((work: () => unknown) => work())
  }

  /**
   * Creates the tables and their indexes if missing, and brings the generated columns and indexes
   * of indexed fields to the declaration. Idempotent; call it once at start-up.
   */
  async migrate(): Promise<void> {
    return this.run(() =>
      this.writing(() => {
        for (const statement of schemaStatements(this.table)) this.db.exec(statement)
        addMissingColumns(this.db, this.table)
        syncIndexedColumns(this.db, this.table, indexPlan(this.table, this.indexDeclaration))
      }),
    )
  }

  /** The custom fields this store indexes, with their types (the router checks `profileFields` agree). */
  indexedFields(): Readonly<Record<string, IndexableType>> {
    return indexedFieldTypes(this.indexDeclaration)
  }

  async createUser(input: NewUser): Promise<StoredUser> {
    return this.run(() => this.insertUser(input))
  }

  async createUserWithIdentity(input: NewUser, newIdentity: NewIdentity): Promise<StoredUser> {
    return this.run(() => {
      const identity = checkNewIdentity(newIdentity)
      // One transaction: when the identity's unique index refuses it, the user goes too.
      return this.writing(() => {
        const user = this.insertUser(input)
        this.insertIdentity(user.id, identity, false)
        return { ...user, identities: [identity] }
      })
    })
  }

  async getUserById(id: number): Promise<StoredUser | null> {
    return this.run(() => this.readById(id))
  }

  async getUserByIdentifier(kind: IdentifierKind, value: string): Promise<StoredUser | null> {
    return this.run(() => {
      const column = IDENTIFIER_COLUMNS[kind]
      if (!column) throw new Error(`unknown identifier kind: ${String(kind)}`)
      const key = kind === 'phone' ? value : identifierKey(value)
      return this.readOne(`SELECT ${this.selected} FROM ${this.quotedTable} WHERE ${column} = ?`, key)
    })
  }

  async getUserByIdentity(provider: string, subject: string): Promise<StoredUser | null> {
    return this.run(() =>
      this.readOne(
        `SELECT ${this.selected} FROM ${this.quotedTable} WHERE id = (SELECT user_id FROM ${this.quotedIdentities} WHERE provider = ? AND subject = ?)`,
        provider,
        subject,
      ),
    )
  }

  async getUserByUnionId(unionId: string): Promise<StoredUser | null> {
    return this.run(() =>
      this.readOne(`SELECT ${this.selected} FROM ${this.quotedTable} WHERE id = (SELECT min(user_id) FROM ${this.quotedIdentities} WHERE union_id = ?)`, unionId),
    )
  }

  async listUsers(query: UserQuery): Promise<UserPage> {
    // Regex work runs here on the event loop (better-sqlite3 is synchronous): regex lists take turns.
    return query.filter !== null && hasRegex(query.filter) ? this.regexTurns.run(() => this.list(query)) : this.list(query)
  }

  private async list(query: UserQuery): Promise<UserPage> {
    return this.run(() => {
      const statements = listSql(this.quotedTable, query, this.indexedColumns)
      // One read transaction: the page and the count see the same snapshot. Both statements share
      // one regex budget, so the query's regex work is bounded as a whole.
      this.regexWork.budget = new RegexBudget()
      try {
        return this.reading((): UserPage => {
          const rows = this.all(statements.page)
          const page: UserPage = { users: this.withIdentities(rows.slice(0, query.limit)), hasMore: rows.length > query.limit }
          if (query.count) page.totalCount = Number(this.all(statements.count)[0]?.n ?? 0)
          return page
        })
      } finally {
        this.regexWork.budget = null
      }
    })
  }

  async updateUser(id: number, changes: UserChanges): Promise<StoredUser | null> {
    return this.run(() =>
      // IMMEDIATE takes the write lock before the read, so no other writer (in this process or
      // another) can change the row between the read and the write: no update is ever lost.
      this.writing((): StoredUser | null => {
        const user = this.readById(id)
        if (!user) return null
        const before = userToRow(user)
        const after = userToRow(applyUpdate(user, changes))
        const columns = Object.keys(after).filter((c) => c === 'updated_at' || after[c] !== before[c])
        const text = `UPDATE ${this.quotedTable} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? RETURNING ${this.selected}`
        return rowToUser(this.statement(text).get(...columns.map((c) => after[c] ?? null), user.id)!, user.identities)
      }),
    )
  }

  async linkIdentity(userId: number, newIdentity: NewIdentity): Promise<StoredUser | null> {
    return this.run(() => {
      const identity = checkNewIdentity(newIdentity)
      return this.writing((): StoredUser | null => {
        const user = this.readById(userId)
        if (!user) return null
        if (this.insertIdentity(user.id, identity, true)) return { ...user, identities: sortIdentities([...user.identities, identity]) }
        // The unique index kept the identity where it was: a no-op for its holder, a conflict for anyone else.
        const holder = this.statement(`SELECT user_id FROM ${this.quotedIdentities} WHERE provider = ? AND subject = ?`).get(identity.provider, identity.subject)
        if (holder?.user_id !== user.id) throw new UserRouterError('identity_taken')
        return user
      })
    })
  }

  async unlinkIdentity(userId: number, provider: string, subject: string): Promise<StoredUser | null> {
    return this.run(() =>
      this.writing((): StoredUser | null => {
        const user = this.readById(userId)
        if (!user) return null
        this.statement(`DELETE FROM ${this.quotedIdentities} WHERE user_id = ? AND provider = ? AND subject = ?`).run(user.id, provider, subject)
        return { ...user, identities: user.identities.filter((i) => i.provider !== provider || i.subject !== subject) }
      }),
    )
  }

  async deleteUser(id: number): Promise<StoredUser | null> {
    return this.run(() =>
      // One IMMEDIATE transaction: no update lands between the read and the delete.
      this.writing((): StoredUser | null => {
        const user = this.readById(id)
        if (!user) return null
        this.statement(`DELETE FROM ${this.quotedIdentities} WHERE user_id = ?`).run(user.id)
        this.statement(`DELETE FROM ${this.quotedTable} WHERE id = ?`).run(user.id)
        return user
      }),
    )
  }

  /** The resolved database file and table; an in-memory database is private to its connection. */
  namespace(): string {
    return this.place
  }

  /** Closes the database if the store opened it; an app's own `database` stays open. */
  async close(): Promise<void> {
    this.statements.clear()
    if (this.ownsDatabase && this.db.open) this.db.close()
  }

  private insertUser(input: NewUser): StoredUser {
    const row = userToRow(withUserDefaults(input))
    const columns = Object.keys(row)
    const text = `INSERT INTO ${this.quotedTable} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING ${this.selected}`
    return rowToUser(this.statement(text).get(...columns.map((c) => row[c] ?? null))!, [])
  }

  /**
   * Inserts an identity; true when inserted. A taken one throws (mapped to `identity_taken`), or
   * with `keepHolder` is left to its holder and answers false.
   */
  private insertIdentity(userId: number, identity: Identity, keepHolder: boolean): boolean {
    const onConflict = keepHolder ? ' ON CONFLICT (provider, subject) DO NOTHING' : ''
    const text = `INSERT INTO ${this.quotedIdentities} (${IDENTITY_COLUMNS}) VALUES (?, ?, ?, ?, ?)${onConflict}`
    return this.statement(text).run(...identityParams(userId, identity)).changes === 1
  }

  private readById(id: number): StoredUser | null {
    if (!Number.isSafeInteger(id) || id < 1) return null
    return this.readOne(`SELECT ${this.selected} FROM ${this.quotedTable} WHERE id = ?`, id)
  }

  /** The user a query selects, with its identities, read in one snapshot. */
  private readOne(text: string, ...params: SqlValue[]): StoredUser | null {
    return this.reading(() => {
      const row = this.statement(text).get(...params)
      return row ? this.withIdentities([row])[0]! : null
    })
  }

  /** The users of the rows with their identities, read in one statement for all of them. */
  private withIdentities(rows: UserRow[]): StoredUser[] {
    if (rows.length === 0) return []
    const ids = rows.map((row) => row.id as number)
    const text = `SELECT ${IDENTITY_COLUMNS} FROM ${this.quotedIdentities} WHERE user_id IN (SELECT value FROM json_each(?))`
    const byUser = new Map<number, Identity[]>(ids.map((id) => [id, []]))
    for (const row of this.statement(text).all(JSON.stringify(ids))) byUser.get(row.user_id as number)?.push(rowToIdentity(row))
    return rows.map((row) => rowToUser(row, sortIdentities(byUser.get(row.id as number)!)))
  }

  private all(query: Sql): UserRow[] {
    return this.statement(query.text).all(...query.params)
  }

  /** A prepared statement, cached by its text; integers always come back as numbers. */
  private statement(text: string): Statement {
    let statement = this.statements.get(text)
    if (statement) {
      // Most recently used last, so the oldest entry is the first one evicted.
      this.statements.delete(text)
    } else {
      statement = this.db.prepare<SqlValue[], UserRow>(text).safeIntegers(false)
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!)
    }
    this.statements.set(text, statement)
    return statement
  }

  /** Runs `work` in a read transaction (one snapshot), or a savepoint inside the app's transaction. */
  private reading<T>(work: () => T): T {
    return this.transaction.deferred(work) as T
  }

  /** Runs `work` holding the write lock from its first statement (BEGIN IMMEDIATE). */
  private writing<T>(work: () => T): T {
    return this.transaction.immediate(work) as T
  }

  private async run<T>(work: () => T): Promise<T> {
    try {
      return work()
    } catch (error) {
      throw toStoreError(error)
    }
  }
}
