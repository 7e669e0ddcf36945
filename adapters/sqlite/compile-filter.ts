/**
 * Compiles the filter tree and sort keys to SQL over the row aliased `u`, with exactly the
 * semantics of `matchesFilter` and `compareUsersBy` (src/query/evaluate-filter.ts). Every value,
 * JSON path and pattern is a bound parameter.
 *
 * Three-valued logic: a condition may yield NULL where the reference says false (a comparison with
 * an unset value). AND and OR treat NULL like false for the final answer, and the one negation
 * (`nin`) is written so that it never sees NULL.
 */
import type { FieldDef } from '../../src/model/fields.js'
import type { Scalar } from '../../src/model/values.js'
import { foldCase } from '../../src/query/evaluate-filter.js'
import type { CompareOperator, Filter, SortKey } from '../../src/query/filter.js'
import { isNullable, jsonSource, scalarSql } from './field-sql.js'
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
export function compileFilter(filter: Filter): Sql {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) return raw(filter.kind === 'and' ? '1' : '0')
      return sql`(${join(filter.filters.map(compileFilter), filter.kind === 'and' ? ' AND ' : ' OR ')})`
    }
    default:
      return compileCondition(filter)
  }
}

function compileCondition(condition: Condition): Sql {
  const { field } = condition
  switch (condition.kind) {
    case 'cmp':
      return sql`(${scalarSql(field)} ${raw(OPERATORS[condition.op])} ${bindScalar(condition.value)})`
    case 'in':
      return field.type === 'array' ? anyElementIn(field, condition.values) : scalarIn(field, condition.values)
    case 'nin':
      if (field.type === 'array') return sql`(NOT ${anyElementIn(field, condition.values)})`
      return sql`(${scalarSql(field)} IS NULL OR ${scalarIn(field, condition.values, 'NOT IN')})`
    case 'all': {
      const { present, args } = jsonSource(field)
      return sql`(${present} AND NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(condition.values)}) AS v WHERE NOT EXISTS (SELECT 1 FROM json_each(${args}) AS e WHERE ${ELEMENT_MATCH})))`
    }
    case 'contains':
      if (condition.ignoreCase) {
        return sql`(instr(${raw(LOWER_FUNCTION)}(${scalarSql(field)}), ${foldCase(condition.value)}) > 0)`
      }
      return sql`(instr(${scalarSql(field)}, ${condition.value}) > 0)`
    case 'regex':
      return sql`(${raw(REGEX_FUNCTION)}(${condition.regex.source}, ${condition.regex.ignoreCase ? 1 : 0}, ${scalarSql(field)}) = 1)`
    case 'isnull':
      if (field.type === 'array' || field.type === 'object') {
        const { present } = jsonSource(field)
        return condition.value ? sql`(NOT ${present})` : present
      }
      return sql`(${scalarSql(field)} ${raw(condition.value ? 'IS NULL' : 'IS NOT NULL')})`
    case 'has_key': {
      // The key is compared to json_each's keys, so it never becomes part of a JSON path.
      const { present, args } = jsonSource(field)
      return sql`(${present} AND EXISTS (SELECT 1 FROM json_each(${args}) AS e WHERE e.key = ${condition.key}))`
    }
  }
}

/** value IN values, for a scalar field (NULL when the value is unset). */
function scalarIn(field: FieldDef, values: readonly Scalar[], operator = 'IN'): Sql {
  return sql`(${scalarSql(field)} ${raw(operator)} (SELECT value FROM json_each(${JSON.stringify(values)})))`
}

/** Some element of an array field equals one of `values` (0 or 1, never NULL). */
function anyElementIn(field: FieldDef, values: readonly Scalar[]): Sql {
  const { present, args } = jsonSource(field)
  return sql`(${present} AND EXISTS (SELECT 1 FROM json_each(${args}) AS e, json_each(${JSON.stringify(values)}) AS v WHERE ${ELEMENT_MATCH}))`
}

/** ORDER BY terms: unset values last ascending, first descending; booleans sort as 0 < 1. */
export function compileOrder(order: readonly SortKey[]): Sql {
  return join(
    order.map(({ field, descending }) => {
      const direction = descending ? 'DESC' : 'ASC'
      // NOT NULL columns skip the NULLS clause, which keeps their indexes usable for sorting.
      const nulls = isNullable(field) ? (descending ? ' NULLS FIRST' : ' NULLS LAST') : ''
      return sql`${scalarSql(field)} ${raw(direction + nulls)}`
    }),
    ', ',
  )
}
