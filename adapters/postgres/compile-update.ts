/**
 * Compiles update operations to the SET list of ONE `UPDATE ... WHERE id = $1 RETURNING` statement,
 * with the semantics of `evaluate-update.ts`. Every expression reads the old row (each field appears
 * once), and PostgreSQL re-evaluates them on the newest row version when concurrent updates queue on
 * the row lock, so 100 concurrent increments add exactly 100.
 */
import type { FieldDef } from '../../src/model/fields.js'
import { MAX_MERGED_OBJECT_BYTES, MAX_PROFILE_BYTES } from '../../src/model/json-size.js'
import { appendTooLong, clearedValue, mergeTooLarge, profileTooLarge, type GrowthProblem } from '../../src/query/evaluate-update.js'
import type { UpdateOperation, UserChanges } from '../../src/query/update.js'
import { fieldSql, numericBase } from './field-sql.js'
import type { Params } from './params.js'
import { columnParam, COLUMNS } from './rows.js'

const MAX_SAFE_INTEGER = '9007199254740991'

/** `col = expr, ...` for the changes, `updated_at` included. */
export function compileSet(changes: UserChanges, params: Params): string {
  const assignments: string[] = []
  for (const operation of changes.operations) {
    const { field } = operation
    if (field.column) assignments.push(`${COLUMNS[field.column].name} = ${builtinValue(field, operation, params)}`)
  }
  const profile = profileValue(changes, params)
  if (profile !== null) assignments.push(`profile = ${profile}`)
  assignments.push(`updated_at = ${params.add(changes.updatedAt, 'bigint')}`)
  return assignments.join(', ')
}

/** The new `profile` after the changes to custom fields, or null when there are none. */
function profileValue(changes: UserChanges, params: Params): string | null {
  let profile = 'profile'
  for (const operation of changes.operations) {
    const { field } = operation
    if (field.column) continue
    const key = params.text(field.name)
    const value = customValue(field, operation, params)
    // Clearing a custom field removes its key; anything else sets it.
    profile = value === null ? `(${profile} - ${key})` : `(${profile} || jsonb_build_object(${key}, ${value}))`
  }
  return profile === 'profile' ? null : profile
}

/** An operation that could grow its field past a limit, and the SQL condition that it does not. */
export interface GrowthGuard {
  /** The error's label and message should the condition be false. */
  readonly problem: GrowthProblem
  /** True when the new value stays within the limit. */
  readonly sql: string
}

/**
 * The conditions, over the old row, that every append keeps its array within `maxLength`, every
 * merge keeps its object within `MAX_MERGED_OBJECT_BYTES`, and the custom fields stay within
 * `MAX_PROFILE_BYTES` (jsonb text, the measure of the reference).
 * In the WHERE of the UPDATE they are re-checked on the newest row version when concurrent updates
 * queue on the row lock, so no sequence of updates ever passes a limit.
 */
export function compileGrowthGuards(changes: UserChanges, params: Params): GrowthGuard[] {
  const guards: GrowthGuard[] = []
  for (const operation of changes.operations) {
    const { field } = operation
    if (field.column) continue
    if ((operation.kind === 'append' || operation.kind === 'append_unique') && field.maxLength !== undefined) {
      const value = customValue(field, operation, params)!
      guards.push({ problem: appendTooLong(field, operation.kind), sql: `(jsonb_array_length(${value}) <= ${params.add(field.maxLength, 'bigint')})` })
    } else if (operation.kind === 'patch') {
      const value = customValue(field, operation, params)!
      guards.push({ problem: mergeTooLarge(field), sql: `(octet_length(${value}::text) <= ${params.add(MAX_MERGED_OBJECT_BYTES, 'bigint')})` })
    }
  }
  const profile = profileValue(changes, params)
  if (profile !== null) {
    guards.push({ problem: profileTooLarge(), sql: `(octet_length(${profile}::text) <= ${params.add(MAX_PROFILE_BYTES, 'bigint')})` })
  }
  return guards
}

function unsupported(field: FieldDef, operation: UpdateOperation): never {
  throw new Error(`PostgresUserStore: "${operation.kind}" cannot apply to the built-in field "${field.name}"`)
}

/** The new value of a built-in column. */
function builtinValue(field: FieldDef, operation: UpdateOperation, params: Params): string {
  const column = COLUMNS[field.column!]
  switch (operation.kind) {
    case 'set':
    case 'unset': {
      // null resets a non-nullable built-in to its default, exactly as the reference does.
      const value = operation.kind === 'set' && operation.value !== null ? operation.value : clearedValue(field)
      return params.add(columnParam(column, value), column.type)
    }
    case 'incr':
      if (column.type !== 'bigint' && column.type !== 'smallint') unsupported(field, operation)
      return `(${column.name} + ${params.add(operation.by, column.type)})`
    case 'patch':
      return `((CASE WHEN jsonb_typeof(${column.name}) = 'object' THEN ${column.name} ELSE '{}'::jsonb END) || ${params.json(operation.value)})`
    default:
      return unsupported(field, operation)
  }
}

/** The new jsonb value of a custom field, or null when the operation clears it. */
function customValue(field: FieldDef, operation: UpdateOperation, params: Params): string | null {
  // Built on demand: binding parameters a statement never references is an error in PostgreSQL.
  const current = () => fieldSql(field, params).sql
  const list = () => `coalesce(${current()}, '[]'::jsonb)`
  switch (operation.kind) {
    case 'set':
      return operation.value === null ? null : params.json(operation.value)
    case 'unset':
      return null
    case 'incr':
      // Unset (or of another type) counts as 0; numbers add as float8, like JavaScript's doubles.
      // A float8 sum past the range raises 22003 by itself; an integer sum past ±(2^53-1) is made to
      // raise it too (the cast depends on the row, so the planner cannot fold it away).
      if (field.type === 'integer') {
        const sum = `(coalesce(${numericBase(field, params)}, 0)::numeric + ${params.add(operation.by, 'numeric')})`
        return `to_jsonb((CASE WHEN abs(${sum}) <= ${MAX_SAFE_INTEGER} THEN ${sum} ELSE (${sum} * 1e400)::float8::numeric END)::bigint)`
      }
      return `to_jsonb(coalesce(${numericBase(field, params)}, 0) + ${params.add(operation.by, 'float8')})`
    case 'append':
      return `(${list()} || ${params.json(operation.values)})`
    case 'append_unique': {
      const values = params.json(operation.values)
      const array = list()
      // The values neither in the array nor earlier in `values`, in their order.
      return (
        `(${array} || coalesce((SELECT jsonb_agg(added.value ORDER BY added.position) ` +
        `FROM jsonb_array_elements(${values}) WITH ORDINALITY AS added(value, position) ` +
        `WHERE NOT ${array} @> jsonb_build_array(added.value) ` +
        `AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${values}) WITH ORDINALITY AS earlier(value, position) ` +
        `WHERE earlier.position < added.position AND earlier.value = added.value)), '[]'::jsonb))`
      )
    }
    case 'remove':
      return (
        `coalesce((SELECT jsonb_agg(kept.value ORDER BY kept.position) ` +
        `FROM jsonb_array_elements(${list()}) WITH ORDINALITY AS kept(value, position) ` +
        `WHERE NOT ${params.json(operation.values)} @> jsonb_build_array(kept.value)), '[]'::jsonb)`
      )
    case 'pop':
      // Deleting index 0 or -1 of an empty array leaves it empty.
      return `(${list()} - ${operation.end === 'first' ? '0' : '(-1)'})`
    case 'patch':
      return `(coalesce(${current()}, '{}'::jsonb) || ${params.json(operation.value)})`
  }
}
