/**
 * The reference semantics of update operations, in plain JavaScript. The memory store applies it
 * directly, the SQLite store inside an immediate transaction; PostgreSQL compiles the same rules to
 * one UPDATE statement and the differential test compares the results.
 */
import { fieldError } from '../errors.js'
import type { FieldDef } from '../model/fields.js'
import { jsonbTextBytes, MAX_MERGED_OBJECT_BYTES, MAX_PROFILE_BYTES } from '../model/json-size.js'
import { withUserDefaults, type JsonObject, type JsonValue, type StoredUser } from '../model/user.js'
import { isPlainObject, readProfileValue, type Scalar } from '../model/values.js'
import type { UpdateOperation, UserChanges } from './update.js'

const BUILTIN_DEFAULTS = withUserDefaults({ createdAt: 0 })

/** The value a cleared field takes: null for custom and nullable fields, the default otherwise. */
export function clearedValue(field: FieldDef): JsonValue {
  if (!field.column || field.nullable) return null
  return BUILTIN_DEFAULTS[field.column as keyof typeof BUILTIN_DEFAULTS] as JsonValue
}

/**
 * The sum of an increment. A sum outside the field's numbers (safe integers, finite doubles) is
 * refused: nothing changes and the caller gets `invalid_update` naming `<field>.$incr_by`.
 */
export function incremented(field: FieldDef, base: number, by: number): number {
  const sum = base + by
  const fits = field.type === 'integer' ? Number.isSafeInteger(sum) : Number.isFinite(sum)
  if (!fits) throw incrementOutOfRange([field])
  return sum
}

/** The error of an increment whose result would leave the range of its field. */
export function incrementOutOfRange(fields: readonly FieldDef[]) {
  const [first] = fields
  const error = fieldError('invalid_update', `${first!.name}.$incr_by`, 'would take the value out of range')
  for (const field of fields.slice(1)) error.details!.push({ field: `${field.name}.$incr_by`, message: 'would take the value out of range' })
  return error
}

/** The label of an append in errors: `tags.$append`, `tags.$append_unique`. */
export function appendLabel(field: FieldDef, kind: 'append' | 'append_unique'): string {
  return `${field.name}.${kind === 'append' ? '$append' : '$append_unique'}`
}

/** An operation that would grow a field past its limit: its label and why. */
export interface GrowthProblem {
  /** `tags.$append`, `meta.$update`. */
  readonly label: string
  readonly problem: string
}

/** The problem of an append whose result would have more items than the array's `maxLength`. */
export function appendTooLong(field: FieldDef, kind: 'append' | 'append_unique'): GrowthProblem {
  return { label: appendLabel(field, kind), problem: `would make the array longer than its ${field.maxLength} items` }
}

/** The problem of a merge whose result would be larger than `MAX_MERGED_OBJECT_BYTES`. */
export function mergeTooLarge(field: FieldDef): GrowthProblem {
  return { label: `${field.name}.$update`, problem: `would make the object larger than ${MAX_MERGED_OBJECT_BYTES} bytes` }
}

/** The problem of changes that would make the user's custom fields larger than `MAX_PROFILE_BYTES`. */
export function profileTooLarge(): GrowthProblem {
  return { label: 'body', problem: `would make the custom fields of the user larger than ${MAX_PROFILE_BYTES} bytes` }
}

/**
 * The error of operations that would grow their fields past a limit: nothing changes and the
 * caller gets `invalid_update` naming each of them.
 */
export function growthRefused(problems: readonly GrowthProblem[]) {
  const [first, ...rest] = problems
  const error = fieldError('invalid_update', first!.label, first!.problem)
  for (const { label, problem } of rest) error.details!.push({ field: label, message: problem })
  return error
}

/** Returns a new user with the changes applied; the input is not modified. */
export function applyUpdate(user: StoredUser, changes: UserChanges): StoredUser {
  const next: StoredUser = { ...user, profile: { ...user.profile }, updatedAt: changes.updatedAt }
  for (const operation of changes.operations) {
    const { field } = operation
    const current = field.column ? (user[field.column] as JsonValue) : readProfileValue(field, user.profile[field.name])
    const value = nextValue(field, current, operation)
    if (field.column) (next as unknown as Record<string, JsonValue>)[field.column] = value
    else if (value === null) delete next.profile[field.name]
    else next.profile[field.name] = value
  }
  // Only changes to custom fields are held to the profile's size (the built-ins have limits of their own).
  const custom = changes.operations.some((o) => !o.field.column)
  if (custom && jsonbTextBytes(next.profile) > MAX_PROFILE_BYTES) throw growthRefused([profileTooLarge()])
  return next
}

function nextValue(field: FieldDef, current: JsonValue, operation: UpdateOperation): JsonValue {
  const list = Array.isArray(current) ? (current as Scalar[]) : []
  switch (operation.kind) {
    case 'set':
      return operation.value === null ? clearedValue(field) : operation.value
    case 'unset':
      return clearedValue(field)
    case 'incr':
      return incremented(field, typeof current === 'number' ? current : 0, operation.by)
    case 'append':
      return withinMaxLength(field, operation.kind, [...list, ...operation.values])
    case 'append_unique': {
      const result = [...list]
      for (const v of operation.values) if (!result.includes(v)) result.push(v)
      return withinMaxLength(field, operation.kind, result)
    }
    case 'remove':
      return list.filter((v) => !operation.values.includes(v))
    case 'pop':
      return operation.end === 'last' ? list.slice(0, -1) : list.slice(1)
    case 'patch': {
      const merged = { ...(isPlainObject(current) ? (current as JsonObject) : {}), ...operation.value }
      // Built-in objects are written by the services only; custom ones must not grow without bound.
      if (!field.column && jsonbTextBytes(merged) > MAX_MERGED_OBJECT_BYTES) throw growthRefused([mergeTooLarge(field)])
      return merged
    }
  }
}

function withinMaxLength(field: FieldDef, kind: 'append' | 'append_unique', result: Scalar[]): Scalar[] {
  if (field.maxLength !== undefined && result.length > field.maxLength) throw growthRefused([appendTooLong(field, kind)])
  return result
}
