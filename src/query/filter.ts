/**
 * The typed filter tree that every user query becomes. Storage adapters compile it (to SQL with
 * bound parameters, or to a predicate); nothing outside `src/query` knows the MinApp syntax.
 *
 * Semantics every store implements identically (the conformance and differential tests hold them
 * to it):
 * - `cmp` with `lt/lte/gt/gte/eq` never matches an unset (null) value; `ne` does match it.
 * - `in` matches when the value equals one of `values`; on an array field, when any element does.
 *   `nin` is its exact negation, so it matches unset values too.
 * - `all` (arrays) matches when every one of `values` is an element.
 * - `contains` is a substring test; `ignoreCase` lower-cases both sides first.
 * - `regex` searches with the safe regular-expression subset (linear time, see `regex/`).
 * - `isnull: true` matches unset values; `$exists: true` is `isnull: false`.
 * - `has_key` (objects) matches when the object has that top-level key.
 * - Strings compare by Unicode code point; dates compare as instants; booleans false < true.
 */
import type { FieldDef } from '../model/fields.js'
import type { Scalar } from '../model/values.js'
import type { SafeRegex } from './regex/index.js'

export type CompareOperator = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'

export type Condition =
  | { readonly kind: 'cmp'; readonly field: FieldDef; readonly op: CompareOperator; readonly value: Scalar }
  | { readonly kind: 'in' | 'nin' | 'all'; readonly field: FieldDef; readonly values: readonly Scalar[] }
  | { readonly kind: 'contains'; readonly field: FieldDef; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'regex'; readonly field: FieldDef; readonly regex: SafeRegex }
  | { readonly kind: 'isnull'; readonly field: FieldDef; readonly value: boolean }
  | { readonly kind: 'has_key'; readonly field: FieldDef; readonly key: string }

export type Filter = { readonly kind: 'and' | 'or'; readonly filters: readonly Filter[] } | Condition

export interface SortKey {
  readonly field: FieldDef
  readonly descending: boolean
}

/**
 * One page of a user list. `order` always ends with `id` ascending, so pages are stable.
 * Unset values sort after every value ascending, before every value descending.
 */
export interface UserQuery {
  readonly filter: Filter | null
  readonly order: readonly SortKey[]
  /** 1..1000. */
  readonly limit: number
  /** 0 or more. */
  readonly offset: number
  /** Whether to count every match (`totalCount`). */
  readonly count: boolean
}

/** Whether a filter has a `$regex` condition anywhere: such lists have their own bounds in every store. */
export function hasRegex(filter: Filter): boolean {
  return filter.kind === 'and' || filter.kind === 'or' ? filter.filters.some(hasRegex) : filter.kind === 'regex'
}
