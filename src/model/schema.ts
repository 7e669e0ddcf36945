/**
 * The user schema of one router: the built-in fields plus the app's declared `profileFields`.
 */
import {
  BUILTIN_FIELDS,
  DEFAULT_ARRAY_ITEM_MAX_LENGTH,
  DEFAULT_ARRAY_MAX_ITEMS,
  DEFAULT_STRING_MAX_LENGTH,
  FIELD_TYPES,
  MAX_ARRAY_ITEM_LENGTH,
  MAX_ARRAY_MAX_ITEMS,
  MAX_PROFILE_FIELDS,
  MAX_STRING_MAX_LENGTH,
  type FieldDef,
  type ProfileFieldsOption,
} from './fields.js'

export interface UserSchema {
  /** Every queryable field by MinApp name, built-ins first. */
  readonly fields: ReadonlyMap<string, FieldDef>
  /** The custom fields, in declaration order. */
  readonly custom: readonly FieldDef[]
}

/** Custom names: a letter, then letters, digits or `_`. A leading `_` is reserved for built-ins. */
const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

/** Whether `name` has the form of a custom field's name (at most 64 letters, digits or `_`, a letter first). */
export function isCustomFieldName(name: string): boolean {
  return CUSTOM_NAME.test(name)
}
const RESERVED_NAMES = new Set([...BUILTIN_FIELDS.map((f) => f.name), 'password', 'password_hash', 'token', 'anonymous', 'profile'])
const ITEM_TYPES = ['string', 'number', 'boolean']

/**
 * Builds the schema, checking every declaration. A wrong declaration is a developer error: it
 * throws a plain `Error` naming `profileFields.<name>` and the fix.
 */
export function createUserSchema(profileFields: ProfileFieldsOption = {}): UserSchema {
  const fields = new Map<string, FieldDef>(BUILTIN_FIELDS.map((f) => [f.name, f]))
  const custom: FieldDef[] = []
  if (Object.keys(profileFields).length > MAX_PROFILE_FIELDS) throw new Error(`profileFields: at most ${MAX_PROFILE_FIELDS} fields`)
  for (const [name, option] of Object.entries(profileFields)) {
    const field = customField(name, option)
    fields.set(name, field)
    custom.push(field)
  }
  return { fields, custom }
}

function customField(name: string, option: ProfileFieldsOption[string]): FieldDef {
  const where = `profileFields.${name}`
  if (!isCustomFieldName(name)) {
    throw new Error(`${where}: a field name must start with a letter and contain only letters, digits and _ (at most 64)`)
  }
  if (RESERVED_NAMES.has(name)) throw new Error(`${where}: "${name}" is a built-in or reserved name; choose another`)
  const spec = typeof option === 'string' ? { type: option } : option
  if (spec === null || typeof spec !== 'object' || !FIELD_TYPES.includes(spec.type)) {
    throw new Error(`${where}: type must be one of ${FIELD_TYPES.join(', ')}`)
  }
  const { type } = spec
  const maxLength = spec.maxLength
  if (maxLength !== undefined) {
    if (type !== 'string' && type !== 'array') throw new Error(`${where}: maxLength applies to string and array fields only`)
    if (!Number.isSafeInteger(maxLength) || maxLength < 1) throw new Error(`${where}: maxLength must be a positive integer`)
    const ceiling = type === 'string' ? MAX_STRING_MAX_LENGTH : MAX_ARRAY_MAX_ITEMS
    if (maxLength > ceiling) throw new Error(`${where}: maxLength of ${type === 'string' ? 'a string' : 'an array'} must be at most ${ceiling}`)
  }
  const itemMaxLength = spec.itemMaxLength
  if (itemMaxLength !== undefined) {
    if (type !== 'array') throw new Error(`${where}: itemMaxLength applies to array fields only`)
    if (!Number.isSafeInteger(itemMaxLength) || itemMaxLength < 1 || itemMaxLength > MAX_ARRAY_ITEM_LENGTH) {
      throw new Error(`${where}: itemMaxLength must be an integer from 1 to ${MAX_ARRAY_ITEM_LENGTH}`)
    }
  }
  if (spec.items !== undefined && (type !== 'array' || !ITEM_TYPES.includes(spec.items))) {
    throw new Error(`${where}: items applies to array fields and must be one of ${ITEM_TYPES.join(', ')}`)
  }
  if (spec.public !== undefined && typeof spec.public !== 'boolean') throw new Error(`${where}: public must be a boolean`)
  const defaultMax = type === 'string' ? DEFAULT_STRING_MAX_LENGTH : type === 'array' ? DEFAULT_ARRAY_MAX_ITEMS : undefined
  return {
    name,
    type,
    column: null,
    writable: true,
    public: spec.public ?? true,
    nullable: true,
    ...((maxLength ?? defaultMax) ? { maxLength: maxLength ?? defaultMax } : {}),
    ...(spec.items ? { items: spec.items } : {}),
    ...(type === 'array' ? { itemMaxLength: itemMaxLength ?? DEFAULT_ARRAY_ITEM_MAX_LENGTH } : {}),
  }
}

/** Whether a field can be sorted on: scalars only. */
export function isSortable(field: FieldDef): boolean {
  return field.type !== 'array' && field.type !== 'object'
}
