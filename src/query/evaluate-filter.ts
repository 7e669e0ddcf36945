/**
 * The reference semantics of filters and sorts, in plain JavaScript: the memory store runs on it,
 * and the differential test holds the SQL stores to it.
 */
import type { FieldDef } from '../model/fields.js'
import type { JsonValue, StoredUser } from '../model/user.js'
import { compareStrings, isPlainObject, readProfileValue, type Scalar } from '../model/values.js'
import type { Filter, SortKey } from './filter.js'
import { matchSafeRegex, type RegexBudget } from './regex/index.js'

/** The value of a field on a user: a built-in property, or a typed custom value (null when unset). */
export function fieldValue(user: StoredUser, field: FieldDef): JsonValue {
  return field.column ? (user[field.column] as JsonValue) : readProfileValue(field, user.profile[field.name])
}

/** Compares two non-null scalars of one field type. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b)
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  // Values of different types never meet after schema checks; order them by type name to stay total.
  return compareStrings(typeof a, typeof b)
}

/** Lower-cases as every store does for case-insensitive matching (`icontains`). */
export function foldCase(value: string): string {
  return value.toLowerCase()
}

function isScalar(value: JsonValue): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

/**
 * Whether the user matches. A store evaluating one query over many users passes one `budget` for
 * the whole query: `$regex` work is charged to it, and `query_too_complex` is thrown once it is spent.
 */
export function matchesFilter(user: StoredUser, filter: Filter, budget?: RegexBudget): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((f) => matchesFilter(user, f, budget))
    case 'or':
      return filter.filters.some((f) => matchesFilter(user, f, budget))
    default:
      return matchesCondition(fieldValue(user, filter.field), filter, budget)
  }
}

function matchesCondition(value: JsonValue, filter: Exclude<Filter, { kind: 'and' | 'or' }>, budget: RegexBudget | undefined): boolean {
  switch (filter.kind) {
    case 'isnull':
      return (value === null) === filter.value
    case 'nin':
      return !matchesCondition(value, { ...filter, kind: 'in' }, budget)
    case 'cmp':
      if (value === null) return filter.op === 'ne'
      if (!isScalar(value)) return false
      return compareOp(compareScalars(value, filter.value), filter.op)
    case 'in':
      if (Array.isArray(value)) return value.some((item) => filter.values.includes(item as Scalar))
      return value !== null && filter.values.includes(value as Scalar)
    case 'all':
      return Array.isArray(value) && filter.values.every((v) => value.includes(v))
    case 'contains':
      if (typeof value !== 'string') return false
      return filter.ignoreCase ? foldCase(value).includes(foldCase(filter.value)) : value.includes(filter.value)
    case 'regex':
      return typeof value === 'string' && matchSafeRegex(filter.regex, value, budget)
    case 'has_key':
      return isPlainObject(value) && Object.hasOwn(value, filter.key)
  }
}

function compareOp(order: number, op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'): boolean {
  switch (op) {
    case 'eq':
      return order === 0
    case 'ne':
      return order !== 0
    case 'lt':
      return order < 0
    case 'lte':
      return order <= 0
    case 'gt':
      return order > 0
    case 'gte':
      return order >= 0
  }
}

/** A comparator for `order`: unset values sort last ascending and first descending. */
export function compareUsersBy(order: readonly SortKey[]): (a: StoredUser, b: StoredUser) => number {
  return (a, b) => {
    for (const { field, descending } of order) {
      const x = fieldValue(a, field)
      const y = fieldValue(b, field)
      let result: number
      if (x === null || y === null) result = x === y ? 0 : x === null ? 1 : -1
      else result = compareScalars(x as Scalar, y as Scalar)
      if (result !== 0) return descending ? -result : result
    }
    return 0
  }
}
