/**
 * The two statements of a list: the page (one row more than the limit, to tell whether more follow)
 * and its count, over the users table aliased `u`.
 */
import type { UserQuery } from '../../src/query/filter.js'
import { compileFilter, compileOrder } from './compile-filter.js'
import type { IndexedColumns } from './field-sql.js'
import { USER_ROW_COLUMNS } from './rows.js'
import { raw, sql, type Sql } from './sql.js'

export interface ListSql {
  readonly page: Sql
  readonly count: Sql
}

export function listSql(quotedTable: string, query: UserQuery, columns: IndexedColumns): ListSql {
  const where = query.filter ? compileFilter(query.filter, columns) : raw('1')
  const order = query.order.length > 0 ? compileOrder(query.order, columns) : raw('u.id')
  const from = sql`FROM ${raw(quotedTable)} AS u WHERE ${where}`
  const selected = raw(USER_ROW_COLUMNS.map((c) => `u."${c}"`).join(', '))
  return {
    page: sql`SELECT ${selected} ${from} ORDER BY ${order} LIMIT ${query.limit + 1} OFFSET ${query.offset}`,
    count: sql`SELECT count(*) AS n ${from}`,
  }
}
