/**
 * Typed update operations. Every store applies a list of them atomically: in one SQL statement
 * (PostgreSQL), in one immediate transaction (SQLite), or synchronously (memory).
 *
 * Semantics (the reference implementation is `applyUpdate` in `evaluate-update.ts`):
 * - `set` writes the value; null (or `unset`) clears a custom field and resets a built-in to its
 *   default.
 * - `incr` adds `by`; an unset value counts as 0. A sum beyond the field's range (safe integers,
 *   finite numbers) fails the whole update with `invalid_update`.
 * - `append` adds `values` at the end; `append_unique` adds those not already present, in order;
 *   `remove` removes every element equal to one of `values`; unset arrays count as empty.
 * - `patch` sets the given top-level keys of an object (a shallow merge); unset counts as `{}`.
 * - `pop` removes the last (`end: 'last'`) or first element; nothing happens to an empty array.
 */
import type { FieldDef } from '../model/fields.js'
import type { JsonObject, JsonValue } from '../model/user.js'
import type { Scalar } from '../model/values.js'

export type UpdateOperation =
  | { readonly kind: 'set'; readonly field: FieldDef; readonly value: JsonValue }
  | { readonly kind: 'unset'; readonly field: FieldDef }
  | { readonly kind: 'incr'; readonly field: FieldDef; readonly by: number }
  | { readonly kind: 'append' | 'append_unique' | 'remove'; readonly field: FieldDef; readonly values: readonly Scalar[] }
  | { readonly kind: 'patch'; readonly field: FieldDef; readonly value: JsonObject }
  | { readonly kind: 'pop'; readonly field: FieldDef; readonly end: 'first' | 'last' }

/** Operations on distinct fields, plus the time of the change. */
export interface UserChanges {
  /** At most one operation per field. */
  readonly operations: readonly UpdateOperation[]
  /** Unix seconds; becomes `updatedAt`. */
  readonly updatedAt: number
}
