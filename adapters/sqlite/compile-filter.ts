/**
 * Compiles the filter tree and sort keys to SQL over the row aliased `u`, with exactly the
 * semantics of `matchesFilter` and `compareUsersBy` (src/query/evaluate-filter.ts). Every value,
 * JSON path and pattern is a bound parameter. Indexed custom fields are read from their generated
 * columns, written the way their indexes are keyed (see indexed-columns.ts).
 *
 * Three-valued logic: a condition may yield NULL where the reference says false (a comparison with
 * an unset value). AND and OR treat NULL like false for the final answer, and the one negation
 * (`nin`) is written so that it never sees NULL.
 */
import type { FieldDef } from '../../src/model/fields.js'
import type { Scalar } from '../../src/model/values.js'
import { foldCase } from '../../src/query/evaluate-filter.js'
import type { CompareOperator, Filter, SortKey } from '../../src/query/filter.js'
import { type IndexedColumns, isNullable, jsonSource, NO_INDEXED_COLUMNS, scalarSql, storedColumnSql } from './field-sql.js'
import { LOWER_FUNCTION, REGEX_FUNCTION } from './functions.js'
import { join, raw, sql, type Sql, type SqlValue } from './sql.js'

type Condition = Exclude<Filter, { kind: 'and' | 'or' }>

const OPERATORS: Record<CompareOperator, string> = { eq: '=', ne: 'IS NOT', lt: '<', lte: '<=', gt: '>', gte: '>=' }

/**
 * Strict JSON equality of an array element `e` and a wanted value `v` (both json_each rows): the
 * same value and the same JSON type, so 1, true and "1" differ (integer and real are one type).
 */
const ELEMENT_MATCH = raw("e.value = v.value AND (e.type = v.type OR (e.type IN ('integer', 'real') AND v.type IN ('integer', 'real')))")

function bindScalar(value: Scalar): SqlValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value
}

/** A WHERE expression for the filter. */
export function compileFilter(filter: Filter, columns: IndexedColumns = NO_INDEXED_COLUMNS): Sql {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) return raw(filter.kind === 'and' ? '1' : '0')
      const parts = filter.filters.map((f) => compileFilter(f, columns))
      return sql`(${join(parts, filter.kind === 'and' ? ' AND ' : ' OR ')})`
    }
    default:
      return compileCondition(filter, columns)
  }
}

/**
 * A nullable column's key in an index is `(column IS NULL), column` (so that one index serves sorts
 * with unset values last). A condition that holds only for set values says so in that form too,
 * which lets SQLite seek on both keys; it changes no answer.
 */
function nullableColumn(field: FieldDef, columns: IndexedColumns): Sql | null {
  return isNullable(field) ? storedColumnSql(field, columns) : null
}

function whenSet(field: FieldDef, columns: IndexedColumns, condition: Sql): Sql {
  const column = nullableColumn(field, columns)
  return column ? sql`((${column} IS NULL) = 0 AND ${condition})` : condition
}

function compileCondition(condition: Condition, columns: IndexedColumns): Sql {
  const { field } = condition
  // Only scalar fields have a value (array and object fields are read through jsonSource).
  const value = () => scalarSql(field, columns)
  switch (condition.kind) {
    case 'cmp': {
      const compared = sql`(${value()} ${raw(OPERATORS[condition.op])} ${bindScalar(condition.value)})`
      // `ne` (IS NOT) also holds for unset values.
      return condition.op === 'ne' ? compared : whenSet(field, columns, compared)
    }
    case 'in':
      return field.type === 'array' ? anyElementIn(field, condition.values) : whenSet(field, columns, scalarIn(value(), condition.values))
    case 'nin':
      if (field.type === 'array') return sql`(NOT ${anyElementIn(field, condition.values)})`
      return sql`(${value()} IS NULL OR ${scalarIn(value(), condition.values, 'NOT IN')})`
    case 'all': {
      const { present, args } = jsonSource(field)
      return sql`(${present} AND NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(condition.values)}) AS v WHERE NOT EXISTS (SELECT 1 FROM json_each(${args}) AS e WHERE ${ELEMENT_MATCH})))`
    }
    case 'contains':
      if (condition.ignoreCase) {
        return sql`(instr(${raw(LOWER_FUNCTION)}(${value()}), ${foldCase(condition.value)}) > 0)`
      }
      return sql`(instr(${value()}, ${condition.value}) > 0)`
    case 'regex':
      return sql`(${raw(REGEX_FUNCTION)}(${condition.regex.source}, ${condition.regex.ignoreCase ? 1 : 0}, ${value()}) = 1)`
    case 'isnull':
      if (field.type === 'array' || field.type === 'object') {
        const { present } = jsonSource(field)
        return condition.value ? sql`(NOT ${present})` : present
      }
      // An indexed field's form matches its index's first key (built-in columns keep the plain form their indexes match).
      if (field.column === null && columns.columnOf(field)) return sql`((${value()} IS NULL) = ${raw(condition.value ? '1' : '0')})`
      return sql`(${value()} ${raw(condition.value ? 'IS NULL' : 'IS NOT NULL')})`
    case 'has_key': {
      // The key is compared to json_each's keys, so it never becomes part of a JSON path.
      const { present, args } = jsonSource(field)
      return sql`(${present} AND EXISTS (SELECT 1 FROM json_each(${args}) AS e WHERE e.key = ${condition.key}))`
    }
  }
}

/** value IN values, for a scalar field's value (NULL when the value is unset). */
function scalarIn(value: Sql, values: readonly Scalar[], operator = 'IN'): Sql {
  return sql`(${value} ${raw(operator)} (SELECT value FROM json_each(${JSON.stringify(values)})))`
}

/** Some element of an array field equals one of `values` (0 or 1, never NULL). */
function anyElementIn(field: FieldDef, values: readonly Scalar[]): Sql {
  const { present, args } = jsonSource(field)
  return sql`(${present} AND EXISTS (SELECT 1 FROM json_each(${args}) AS e, json_each(${JSON.stringify(values)}) AS v WHERE ${ELEMENT_MATCH}))`
}

/** ORDER BY terms: unset values last ascending, first descending; booleans sort as 0 < 1. */
export function compileOrder(order: readonly SortKey[], columns: IndexedColumns = NO_INDEXED_COLUMNS): Sql {
  return join(
    order.map(({ field, descending }) => {
      const direction = raw(descending ? 'DESC' : 'ASC')
      const value = scalarSql(field, columns)
      // NOT NULL columns need no NULLS clause; nullable columns sort as their indexes are keyed,
      // `(column IS NULL), column`, which puts unset values last either way and keeps the index usable.
      if (!isNullable(field)) return sql`${value} ${direction}`
      if (nullableColumn(field, columns)) return sql`(${value} IS NULL) ${direction}, ${value} ${direction}`
      return sql`${value} ${direction} ${raw(descending ? 'NULLS FIRST' : 'NULLS LAST')}`
    }),
    ', ',
  )
}
