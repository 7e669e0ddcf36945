/**
 * A `UserStore` on PostgreSQL (`pg`), for production. Uniqueness (of identifiers, and of third-party
 * identities, kept in a table of their own) is decided by unique indexes,
 * every update is one UPDATE statement, every filter compiles to SQL with bound parameters, and
 * every statement is bounded by `statement_timeout`. Run `migrate()` once before use.
 */
import pg from 'pg'
import { UserRouterError } from '../../src/errors.js'
import { checkNewIdentity, IDENTITY_LIMITS, isStorableIdentityText } from '../../src/model/identities.js'
import { stringProblem } from '../../src/model/values.js'
import { withUserDefaults, type IdentifierKind, type NewIdentity, type NewUser, type StoredUser } from '../../src/model/user.js'
import { indexedFieldTypes, type IndexableType } from '../../src/model/indexed-fields.js'
import type { UserPage, UserStore } from '../../src/ports.js'
import type { UserQuery } from '../../src/query/filter.js'
import type { UserChanges } from '../../src/query/update.js'
import { growthRefused, incrementOutOfRange } from '../../src/query/evaluate-update.js'
import type { FilterDialect } from './compile-filter.js'
import { compileGrowthGuards, compileSet, type GrowthGuard } from './compile-update.js'
import { Database, preparedStatement, type PreparedStatement } from './database.js'
import type { ColumnOf } from './field-sql.js'
import { IndexedColumnReadiness } from './indexed-column-readiness.js'
import { DATABASE_DEFAULT, DETECT_ICU, ICU_ROOT, runMigration } from './migrate.js'
import { migrateIndexedFields, withMigrationLock } from './migrate-indexed-fields.js'
import { parsePostgresOptions, type PostgresConfig, type PostgresUserStoreOptions, type TableNames } from './options.js'
import { Params } from './params.js'
import { runList, type ListContext } from './list-users.js'
import { QueryGate } from './query-gate.js'
import { columnParam, COLUMNS, SELECT_LIST, toStoredUser, userSelectList } from './rows.js'

/** SQLSTATEs of a query that read an indexed column whose type another process changed. */
const COLUMN_CHANGED: readonly unknown[] = ['42703', '42883', '42804']

/** An update whose outcome a concurrent change made unclear, to be tried again. */
const RETRY = Symbol('retry')

function isStoreId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0
}

/**
 * Where the pool connects, as pg resolves it (connection string, options, PG* variables and
 * defaults): a pg.Client made only to read its resolved parameters, never connected.
 */
function placeOf(pool: pg.Pool, names: TableNames): string {
  const client = new pg.Client((pool as unknown as { options: pg.ClientConfig }).options) as unknown as {
    connectionParameters: { host: string; port: number; database?: string; user?: string }
  }
  const { host, port, database, user } = client.connectionParameters
  // PostgreSQL's own default: a database named after the user.
  return `postgres://${host}:${port}/${database ?? user ?? ''}#${names.schema}.${names.table}`
}

export class PostgresUserStore implements UserStore {
  private readonly config: PostgresConfig
  private readonly db: Database
  private readonly table: string
  private readonly identities: string
  /** Columns and identities of a user of `this.table`. */
  private readonly selectUser: string
  /** The read of one user by id: every authenticated read runs it, so it is prepared. */
  private readonly selectUserById: PreparedStatement
  private dialect: Promise<FilterDialect> | null = null
  /** What a list needs, its gates included. */
  private readonly lists: ListContext
  private readonly indexedColumns: IndexedColumnReadiness
  private readonly place: string

  constructor(options: PostgresUserStoreOptions = {}) {
    this.config = parsePostgresOptions(options)
    this.db = new Database(this.config)
    this.table = this.config.names.qualified
    this.identities = this.config.names.identities
    this.selectUser = userSelectList(this.config.names)
    this.selectUserById = preparedStatement(`SELECT ${this.selectUser} FROM ${this.table} WHERE id = $1::bigint`)
    this.place = placeOf(this.db.pool, this.config.names)
    const { maxConcurrentRegexQueries, maxConcurrentListQueries, maxWaitingListQueries } = this.config
    this.lists = {
      db: this.db,
      config: this.config,
      table: this.table,
      selectUser: this.selectUser,
      regexGate: new QueryGate(maxConcurrentRegexQueries, maxConcurrentRegexQueries * 4, 'Too many regular-expression queries are running; try again shortly.'),
      listGate: new QueryGate(maxConcurrentListQueries, maxWaitingListQueries, 'Too many user lists are running; try again shortly.'),
    }
    this.indexedColumns = new IndexedColumnReadiness(this.db, this.config)
  }

  /**
   * Creates the schema (if missing), the tables and their indexes, then the columns, trigger and
   * indexes of the indexed fields (filled in batches, indexed concurrently: the app keeps serving);
   * safe to run repeatedly and concurrently.
   */
  async migrate(): Promise<void> {
    const { names, indexed } = this.config
    const caseCollation = await this.db.withClient((client) =>
      withMigrationLock(client, names, async () => {
        const collation = await runMigration(client, names)
        await migrateIndexedFields(client, names, indexed)
        return collation
      }),
    )
    this.dialect ??= Promise.resolve({ caseCollation })
    this.indexedColumns.forget()
  }

  /** The custom fields this store keeps in indexed columns, with their types. */
  indexedFields(): Readonly<Record<string, IndexableType>> {
    return indexedFieldTypes(this.config.indexed)
  }

  async createUser(input: NewUser): Promise<StoredUser> {
    const params = new Params()
    const [row] = await this.db.query(`${this.insertUser(input, params)} RETURNING ${SELECT_LIST}`, params.values)
    return toStoredUser(row!)
  }

  async createUserWithIdentity(input: NewUser, newIdentity: NewIdentity): Promise<StoredUser> {
    const identity = checkNewIdentity(newIdentity)
    const params = new Params()
    const insertUser = this.insertUser(input, params)
    const values = [params.add(identity.provider, 'text'), params.add(identity.subject, 'text'), params.add(identity.unionId, 'text'), params.add(identity.linkedAt, 'bigint')]
    // One statement, so one transaction: when the identity's unique constraint refuses it, the user goes too.
    const sql = `WITH u AS (${insertUser} RETURNING ${SELECT_LIST}),
      i AS (INSERT INTO ${this.identities} (user_id, provider, subject, union_id, linked_at) SELECT id, ${values.join(', ')} FROM u)
      SELECT ${SELECT_LIST} FROM u`
    const [row] = await this.db.query(sql, params.values)
    return { ...toStoredUser(row!), identities: [identity] }
  }

  async getUserById(id: number): Promise<StoredUser | null> {
    if (!isStoreId(id)) return null
    const [row] = await this.db.query(this.selectUserById, [id])
    return row ? toStoredUser(row) : null
  }

  async getUserByIdentifier(kind: IdentifierKind, value: string): Promise<StoredUser | null> {
    // No stored identifier contains NUL or lone surrogates (PostgreSQL text cannot hold them).
    if (typeof value !== 'string' || stringProblem(value) !== null) return null
    let condition: string
    if (kind === 'phone') {
      condition = 'phone = $1::text'
    } else {
      // The very expression of the unique index, so the lookup uses it.
      const { caseCollation } = await this.getDialect()
      const column = kind === 'username' ? 'username' : 'email'
      condition = `lower(${column} COLLATE ${caseCollation}) = lower($1::text COLLATE ${caseCollation})`
    }
    const [row] = await this.db.query(`SELECT ${this.selectUser} FROM ${this.table} WHERE ${condition} LIMIT 1`, [value])
    return row ? toStoredUser(row) : null
  }

  async getUserByIdentity(provider: string, subject: string): Promise<StoredUser | null> {
    if (!isStorableIdentityText(provider, IDENTITY_LIMITS.provider) || !isStorableIdentityText(subject, IDENTITY_LIMITS.subject)) return null
    const holder = `SELECT user_id FROM ${this.identities} WHERE provider = $1::text AND subject = $2::text`
    const [row] = await this.db.query(`SELECT ${this.selectUser} FROM ${this.table} WHERE id = (${holder})`, [provider, subject])
    return row ? toStoredUser(row) : null
  }

  async getUserByUnionId(unionId: string): Promise<StoredUser | null> {
    if (!isStorableIdentityText(unionId, IDENTITY_LIMITS.unionId)) return null
    const holder = `SELECT min(user_id) FROM ${this.identities} WHERE union_id = $1::text`
    const [row] = await this.db.query(`SELECT ${this.selectUser} FROM ${this.table} WHERE id = (${holder})`, [unionId])
    return row ? toStoredUser(row) : null
  }

  async listUsers(query: UserQuery): Promise<UserPage> {
    const columnOf = await this.indexedColumns.columnOf()
    try {
      return await this.listUsersReading(query, columnOf)
    } catch (error) {
      // Another process's migration changed the type of a column this one still thought ready (42703
      // undefined column, 42883 no such operator, 42804 type mismatch). Look again; read the profile meanwhile.
      if (columnOf === null || !COLUMN_CHANGED.includes((error as { code?: unknown }).code)) throw error
      this.indexedColumns.forget()
      return this.listUsersReading(query, null)
    }
  }

  private async listUsersReading(query: UserQuery, columnOf: ColumnOf | null): Promise<UserPage> {
    return runList(this.lists, query, { ...(await this.getDialect()), ...(columnOf ? { columnOf } : {}) })
  }

  async updateUser(id: number, changes: UserChanges): Promise<StoredUser | null> {
    if (!isStoreId(id)) return null
    // A refused append or merge is told apart from a missing user by a second look at the row; should a
    // concurrent update make room in between, the update is simply tried again.
    for (let attempt = 1; ; attempt++) {
      const result = await this.updateOnce(id, changes)
      if (result !== RETRY || attempt >= 3) return result === RETRY ? null : result
    }
  }

  private async updateOnce(id: number, changes: UserChanges): Promise<StoredUser | null | typeof RETRY> {
    const params = new Params()
    const target = params.add(id, 'bigint')
    const set = compileSet(changes, params)
    const guards = compileGrowthGuards(changes, params)
    const where = [`id = ${target}`, ...guards.map((g) => g.sql)].join(' AND ')
    try {
      const [row] = await this.db.query(`UPDATE ${this.table} SET ${set} WHERE ${where} RETURNING ${this.selectUser}`, params.values)
      if (row) return toStoredUser(row)
      if (guards.length === 0) return null
      const refused = await this.guardsFailing(id, changes)
      if (refused === null) return null
      if (refused.length === 0) return RETRY
      throw growthRefused(refused.map((g) => g.problem))
    } catch (error) {
      // 22003 numeric value out of range: only an increment's sum can raise it here.
      if ((error as { code?: unknown }).code !== '22003') throw error
      throw incrementOutOfRange(changes.operations.filter((o) => o.kind === 'incr').map((o) => o.field))
    }
  }

  /**
   * Why an update with growth guards changed no row: the guards that fail on the row as it is now
   * (null when the user does not exist).
   */
  private async guardsFailing(id: number, changes: UserChanges): Promise<GrowthGuard[] | null> {
    const params = new Params()
    const target = params.add(id, 'bigint')
    const guards = compileGrowthGuards(changes, params)
    const checks = guards.map((g, i) => `${g.sql} AS fits${i}`).join(', ')
    const [row] = await this.db.query(`SELECT ${checks} FROM ${this.table} WHERE id = ${target}`, params.values)
    return row ? guards.filter((_, i) => row[`fits${i}`] === false) : null
  }

  async linkIdentity(userId: number, newIdentity: NewIdentity): Promise<StoredUser | null> {
    const identity = checkNewIdentity(newIdentity)
    if (!isStoreId(userId)) return null
    const values = [userId, identity.provider, identity.subject, identity.unionId, identity.linkedAt]
    const sql = `WITH target AS (SELECT id FROM ${this.table} WHERE id = $1::bigint),
      linked AS (
        INSERT INTO ${this.identities} (user_id, provider, subject, union_id, linked_at)
        SELECT id, $2::text, $3::text, $4::text, $5::bigint FROM target
        ON CONFLICT ON CONSTRAINT "${this.config.names.indexes.identity}" DO NOTHING RETURNING user_id
      )
      SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM linked) AS linked`
    // The unique constraint decides; a holder that unlinks between the insert and the look-up at
    // its holder makes the outcome unclear, and the link is simply tried again.
    for (let attempt = 1; ; attempt++) {
      const row = await this.db.query(sql, values).then(
        ([answer]) => answer!,
        (error: unknown) => {
          // 23503 foreign key violation: the user was deleted between the look-up and the insert.
          if ((error as { code?: unknown }).code === '23503') return { found: false, linked: false }
          throw error
        },
      )
      if (row.found !== true) return null
      if (row.linked === true) return this.getUserById(userId)
      const [holder] = await this.db.query(`SELECT user_id FROM ${this.identities} WHERE provider = $1::text AND subject = $2::text`, [identity.provider, identity.subject])
      if (holder !== undefined && Number(holder.user_id) !== userId) throw new UserRouterError('identity_taken')
      if (holder !== undefined) return this.getUserById(userId)
      if (attempt >= 3) throw new UserRouterError('identity_taken')
    }
  }

  async unlinkIdentity(userId: number, provider: string, subject: string): Promise<StoredUser | null> {
    if (!isStoreId(userId)) return null
    // An identity that could not be stored is held by no one: nothing to delete.
    if (!isStorableIdentityText(provider, IDENTITY_LIMITS.provider) || !isStorableIdentityText(subject, IDENTITY_LIMITS.subject)) return this.getUserById(userId)
    await this.db.query(`DELETE FROM ${this.identities} WHERE user_id = $1::bigint AND provider = $2::text AND subject = $3::text`, [userId, provider, subject])
    return this.getUserById(userId)
  }

  async deleteUser(id: number): Promise<StoredUser | null> {
    if (!isStoreId(id)) return null
    // The user's row and identities are locked first: a link (whose foreign key check waits on the
    // row) or an unlink (on its identity) racing with the deletion has then either committed or
    // will find nothing, so the DELETE, a statement of its own with a snapshot taken after the
    // locks, answers the identities as they were. The row lock also orders the deletion against
    // concurrent UPDATEs (one that waited finds no row); the identities go with the row (ON DELETE CASCADE).
    const answers = await this.db.transaction([
      { text: `SELECT 1 FROM ${this.table} WHERE id = $1::bigint FOR UPDATE`, values: [id] },
      { text: `SELECT 1 FROM ${this.identities} WHERE user_id = $1::bigint FOR UPDATE`, values: [id] },
      { text: `WITH gone AS (DELETE FROM ${this.table} WHERE id = $1::bigint RETURNING *) SELECT ${userSelectList(this.config.names, 'gone')} FROM gone`, values: [id] },
    ])
    const row = answers[2]?.[0]
    return row ? toStoredUser(row) : null
  }

  /** Host, port, database, schema and table the pool connects to (no user, no password). */
  namespace(): string {
    return this.place
  }

  /** Ends the pool if the store created it; an app's own pool stays open. */
  async close(): Promise<void> {
    await this.db.end()
  }

  /** The INSERT of a new user (without RETURNING), its values bound in `params`. */
  private insertUser(input: NewUser, params: Params): string {
    const user = withUserDefaults(input)
    const columns: string[] = []
    const values: string[] = []
    for (const [property, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, (typeof COLUMNS)[keyof typeof COLUMNS]][]) {
      if (property === 'id') continue
      columns.push(column.name)
      values.push(params.add(columnParam(column, user[property]), column.type))
    }
    columns.push('profile')
    values.push(params.json(user.profile))
    return `INSERT INTO ${this.table} (${columns.join(', ')}) VALUES (${values.join(', ')})`
  }

  /** Which collation gives Unicode case rules: looked up once (a failed look-up is retried next time). */
  private getDialect(): Promise<FilterDialect> {
    this.dialect ??= this.db.query(DETECT_ICU).then(([row]) => ({ caseCollation: row?.icu === true ? ICU_ROOT : DATABASE_DEFAULT }))
    this.dialect.catch(() => {
      this.dialect = null
    })
    return this.dialect
  }
}
