/**
 * One list: its page (and count) compiled and run, the statement holding a place of the list gate
 * (and a `$regex` list one of the regex gate too) before it holds a connection.
 */
import type { UserPage } from '../../src/ports.js'
import { hasRegex, type UserQuery } from '../../src/query/filter.js'
import { queryTooComplex } from '../../src/query/regex/index.js'
import { compileOrder, compileWhere, type FilterDialect } from './compile-filter.js'
import type { Database, Row, Statement } from './database.js'
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

/** The count's column in a counted page's rows; no user column has this name. */
const TOTAL = 'list_total_count'

/**
 * One list. A counted page is one statement: the count is an uncorrelated subquery, which
 * PostgreSQL runs once (an InitPlan) and repeats on every row, so page and count take one round
 * trip and one connection and agree with each other. A page with no rows carries no count: past
 * the first page the count then runs on its own.
 */
export async function runList(context: ListContext, query: UserQuery, dialect: FilterDialect): Promise<UserPage> {
  const { table, selectUser } = context
  const params = new Params()
  const where = compileWhere(query.filter, params, dialect)
  // The WHERE uses only the parameters bound so far; a count on its own binds just those.
  const whereValues = [...params.values]
  const order = compileOrder(query.order, params, dialect.columnOf)
  const limit = params.add(query.limit + 1, 'bigint')
  const offset = params.add(query.offset, 'bigint')
  const countSql = `SELECT count(*) AS ${TOTAL} FROM ${table} WHERE ${where}`
  const counted = query.count ? `, (${countSql}) AS ${TOTAL}` : ''
  const pageSql = `SELECT ${selectUser}${counted} FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`
  const regex = query.filter !== null && hasRegex(query.filter)
  const rows = await read(context, { text: pageSql, values: params.values }, regex)
  let totalCount: number | undefined
  if (query.count) {
    if (rows.length > 0) totalCount = Number(rows[0]![TOTAL])
    else if (query.offset === 0) totalCount = 0
    else totalCount = Number((await read(context, { text: countSql, values: whereValues }, regex))[0]![TOTAL])
  }
  return {
    users: rows.slice(0, query.limit).map(toStoredUser),
    hasMore: rows.length > query.limit,
    ...(totalCount === undefined ? {} : { totalCount }),
  }
}

/**
 * Runs one statement of a list, holding a place of the list gate. A `$regex` list may be slow over
 * many rows: it also holds a place of the regex gate and runs under a short timeout of its own, so
 * such lists never take the whole pool.
 */
async function read(context: ListContext, statement: Statement, regex: boolean): Promise<Row[]> {
  const { db, config, listGate, regexGate } = context
  if (!regex) return listGate.run(() => db.query(statement.text, statement.values))
  const timedOut = () => queryTooComplex('its regular expressions took too long to evaluate')
  return regexGate.run(() => listGate.run(() => db.readWithTimeout(statement, config.regexStatementTimeoutMs, timedOut)))
}
