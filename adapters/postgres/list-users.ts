/**
 * One list: its page (and count) compiled and run, each statement holding a place of the list gate
 * (and a `$regex` list one of the regex gate too) before it holds a connection.
 */
import type { UserPage } from '../../src/ports.js'
import { hasRegex, type UserQuery } from '../../src/query/filter.js'
import { queryTooComplex } from '../../src/query/regex/index.js'
import { compileOrder, compileWhere, type FilterDialect } from './compile-filter.js'
import type { Database, Row } from './database.js'
import type { PostgresConfig } from './options.js'
import { Params } from './params.js'
import type { QueryGate } from './query-gate.js'
import { toStoredUser } from './rows.js'

export interface ListContext {
  readonly db: Database
  readonly config: PostgresConfig
  /** The users table, qualified. */
  readonly table: string
  /** The select list of a user. */
  readonly selectUser: string
  readonly listGate: QueryGate
  readonly regexGate: QueryGate
}

export async function runList(context: ListContext, query: UserQuery, dialect: FilterDialect): Promise<UserPage> {
  const { db, config, table, selectUser, listGate, regexGate } = context
  const params = new Params()
  const where = compileWhere(query.filter, params, dialect)
  // The WHERE uses only the parameters bound so far; the count query binds just those.
  const whereValues = [...params.values]
  const order = compileOrder(query.order, params, dialect.columnOf)
  const limit = params.add(query.limit + 1, 'bigint')
  const offset = params.add(query.offset, 'bigint')
  const pageSql = `SELECT ${selectUser} FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`
  const countSql = `SELECT count(*) AS total FROM ${table} WHERE ${where}`
  let rows: Row[]
  let counted: Row[] | null
  if (query.filter !== null && hasRegex(query.filter)) {
    // A regex over many rows may be slow: a short timeout of its own, one connection for page and
    // count, and a bounded number of such queries at once, so they never take the whole pool.
    const statements = [{ text: pageSql, values: params.values }, ...(query.count ? [{ text: countSql, values: whereValues }] : [])]
    const results = await regexGate.run(() =>
      listGate.run(() => db.readsWithTimeout(statements, config.regexStatementTimeoutMs, () => queryTooComplex('its regular expressions took too long to evaluate'))),
    )
    rows = results[0]!
    counted = results[1] ?? null
  } else {
    // Page and count each hold a connection: each takes its own place.
    const page = listGate.run(() => db.query(pageSql, params.values))
    const count = query.count ? listGate.run(() => db.query(countSql, whereValues)) : null
    ;[rows, counted] = await Promise.all([page, count])
  }
  return {
    users: rows.slice(0, query.limit).map(toStoredUser),
    hasMore: rows.length > query.limit,
    ...(counted ? { totalCount: Number(counted[0]!.total) } : {}),
  }
}
