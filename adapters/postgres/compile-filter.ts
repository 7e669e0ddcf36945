/**
 * Compiles the filter tree to a WHERE condition and the sort keys to an ORDER BY, with the exact
 * semantics of `evaluate-filter.ts` (the differential test holds them to it). Every value is a bound
 * parameter; only column names and fixed SQL appear in the text.
 */
import type { Condition, Filter, SortKey } from '../../src/query/filter.js'
import { foldCase } from '../../src/query/evaluate-filter.js'
import { toPostgresRegex } from '../../src/query/regex/index.js'
import { fieldSql, valueType, type ColumnOf, type ValueType } from './field-sql.js'
import type { ParamType, Params } from './params.js'

export interface FilterDialect {
  /**
   * The collation whose case rules `lower()` and `~*` use: ICU's root locale when the server has
   * it (the same full Unicode mappings as JavaScript's toLowerCase), the database default otherwise.
   */
  readonly caseCollation: string
  /** Where indexed custom fields are read from (their columns once ready); `profile` when absent. */
  readonly columnOf?: ColumnOf
}

const COMPARE: Record<Exclude<Extract<Condition, { kind: 'cmp' }>['op'], 'ne'>, string> = {
  eq: '=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
}

/** A condition over the users table, `TRUE` for no filter. */
export function compileWhere(filter: Filter | null, params: Params, dialect: FilterDialect): string {
  return filter === null ? 'TRUE' : compileFilter(filter, params, dialect)
}

function compileFilter(filter: Filter, params: Params, dialect: FilterDialect): string {
  switch (filter.kind) {
    case 'and':
    case 'or':
      if (filter.filters.length === 0) return filter.kind === 'and' ? 'TRUE' : 'FALSE'
      return `(${filter.filters.map((f) => compileFilter(f, params, dialect)).join(filter.kind === 'and' ? ' AND ' : ' OR ')})`
    default:
      return compileCondition(filter, params, dialect)
  }
}

function scalarParam(type: ValueType): ParamType {
  return type === 'jsonb' ? 'text' : type
}

function compileCondition(condition: Condition, params: Params, dialect: FilterDialect): string {
  // The field's SQL binds parameters (its profile key), so it is built only where it is used.
  const type = valueType(condition.field)
  const sql = () => fieldSql(condition.field, params, dialect.columnOf).sql
  switch (condition.kind) {
    case 'isnull':
      return `(${sql()} IS ${condition.value ? '' : 'NOT '}NULL)`
    case 'cmp': {
      // Arrays and objects are never ordered; like the reference, only `ne` matches them, when unset.
      if (type === 'jsonb') return condition.op === 'ne' ? `(${sql()} IS NULL)` : 'FALSE'
      const field = sql()
      const value = params.add(condition.value, scalarParam(type))
      if (condition.op === 'ne') return `(${field} IS DISTINCT FROM ${value})`
      if (condition.op === 'eq' && (condition.field.column === 'username' || condition.field.column === 'email')) {
        // Implied by the equality, and the expression of the unique index, which an exact match can then use.
        const collation = dialect.caseCollation
        return `(${field} = ${value} AND lower(${field} COLLATE ${collation}) = lower(${value} COLLATE ${collation}))`
      }
      return `(${field} ${COMPARE[condition.op]} ${value})`
    }
    case 'in':
      return `coalesce(${compileIn(condition, params, dialect)}, false)`
    case 'nin':
      return `(NOT coalesce(${compileIn(condition, params, dialect)}, false))`
    case 'all':
      if (condition.field.type !== 'array') return 'FALSE'
      // Containment of an array in an array: every value is an element (strict JSON equality).
      return `coalesce(${sql()} @> ${params.json(condition.values)}, false)`
    case 'contains': {
      if (type !== 'text') return 'FALSE'
      const field = sql()
      // strpos, not LIKE: `%`, `_` and `\` in the value are plain characters.
      if (!condition.ignoreCase) return `(strpos(${field}, ${params.add(condition.value, 'text')}) > 0)`
      return `(strpos(lower(${field} COLLATE ${dialect.caseCollation}), ${params.add(foldCase(condition.value), 'text')}) > 0)`
    }
    case 'regex': {
      if (type !== 'text') return 'FALSE'
      const field = sql()
      const pattern = params.add(toPostgresRegex(condition.regex), 'text')
      // Case-sensitive matching keeps the byte-order collation; `~*` needs one with Unicode case rules.
      return condition.regex.ignoreCase ? `((${field} COLLATE ${dialect.caseCollation}) ~* ${pattern})` : `(${field} ~ ${pattern})`
    }
    case 'has_key': {
      if (type !== 'jsonb') return 'FALSE'
      const field = sql()
      return `coalesce(jsonb_typeof(${field}) = 'object' AND ${field} ? ${params.add(condition.key, 'text')}, false)`
    }
  }
}

/** `in` before null handling: any element of an array field, or the value itself, equals a value. */
function compileIn(condition: Extract<Condition, { kind: 'in' | 'nin' | 'all' }>, params: Params, dialect: FilterDialect): string {
  const type = valueType(condition.field)
  if (condition.field.type === 'array') {
    // Per value, containment of [value] in the array: 1, true and "1" stay distinct.
    const field = fieldSql(condition.field, params).sql
    return `EXISTS (SELECT 1 FROM jsonb_array_elements(${params.json(condition.values)}) AS wanted(value) WHERE ${field} @> jsonb_build_array(wanted.value))`
  }
  if (type === 'jsonb') return 'FALSE'
  const field = fieldSql(condition.field, params, dialect.columnOf).sql
  return `(${field} = ANY(${params.add([...condition.values], `${scalarParam(type)}[]` as ParamType)}))`
}

/** The ORDER BY list: unset values last ascending, first descending (PostgreSQL's defaults, spelt out). */
export function compileOrder(order: readonly SortKey[], params: Params, columnOf?: ColumnOf): string {
  return order.map(({ field, descending }) => `${fieldSql(field, params, columnOf).sql} ${descending ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`).join(', ')
}
