/**
 * Field definitions: the built-in user fields under their MinApp names, and the custom profile
 * fields an app declares. Queries, updates and privacy rules all read these definitions, so this is
 * the one place that knows which field is what.
 */
import type { StoredUser } from './user.js'

/** Value types of fields. `date` values are ISO 8601 strings, normalised to UTC with milliseconds. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'array' | 'object'
/** Element types an `array` field may declare. */
export type ArrayItemType = 'string' | 'number' | 'boolean'

/** Properties of `StoredUser` that built-in fields (and internal updates) address. */
export type UserColumn = Exclude<keyof StoredUser, 'profile' | 'identities'>

export interface FieldDef {
  /** The name in MinApp JSON, in `where` and in update bodies (`_username`, `score`). */
  readonly name: string
  readonly type: FieldType
  /** A built-in field maps to a `StoredUser` property; a custom field lives in `profile`. */
  readonly column: UserColumn | null
  /** Whether a profile update (self or admin) may write the field. */
  readonly writable: boolean
  /** Whether other signed-in users may see, filter and sort on the field. */
  readonly public: boolean
  /** Whether the field can be null (custom fields always can: unset reads as null). */
  readonly nullable: boolean
  /** Strings: maximum length in code points. Arrays: maximum number of items. */
  readonly maxLength?: number
  /** Arrays: the element type, if declared; otherwise any string, number or boolean. */
  readonly items?: ArrayItemType
  /** Arrays: maximum length of a string element, in code points. */
  readonly itemMaxLength?: number
  /** Integers: the allowed values, if restricted (gender). */
  readonly allowed?: readonly number[]
}

/** What an app may write in `profileFields` for one field. */
export type ProfileFieldOption =
  | FieldType
  | {
      type: FieldType
      /** Strings: max code points (default 4096). Arrays: max items (default 1000). */
      maxLength?: number
      /** Arrays only: element type. */
      items?: ArrayItemType
      /** Arrays only: max code points of a string element (default 256, at most 4096). */
      itemMaxLength?: number
      /** Visible to other signed-in users (default true). */
      public?: boolean
    }

export type ProfileFieldsOption = Record<string, ProfileFieldOption>

export const DEFAULT_STRING_MAX_LENGTH = 4096
export const DEFAULT_ARRAY_MAX_ITEMS = 1000
export const DEFAULT_ARRAY_ITEM_MAX_LENGTH = 256
/**
 * Ceilings of what a declaration may ask for. With them every user has a bounded size, and so has
 * every page of a list (see `maxUserJsonBytes`).
 */
export const MAX_STRING_MAX_LENGTH = 65536
export const MAX_ARRAY_MAX_ITEMS = 10000
export const MAX_ARRAY_ITEM_LENGTH = 4096
export const MAX_PROFILE_FIELDS = 100
export const FIELD_TYPES: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'date', 'array', 'object']

function builtin(name: string, column: UserColumn, type: FieldType, extra: Partial<Omit<FieldDef, 'name' | 'column' | 'type'>> = {}): FieldDef {
  return { name, column, type, writable: false, public: true, nullable: false, ...extra }
}

const SHORT_TEXT = { writable: true, maxLength: 128 } as const

/** The built-in fields, by MinApp name. `user_id` and `created_by` are the user's own id. */
export const BUILTIN_FIELDS: readonly FieldDef[] = [
  builtin('id', 'id', 'integer'),
  builtin('user_id', 'id', 'integer'),
  builtin('created_by', 'id', 'integer'),
  builtin('_username', 'username', 'string', { nullable: true }),
  builtin('_email', 'email', 'string', { nullable: true, public: false }),
  builtin('_email_verified', 'emailVerified', 'boolean', { public: false }),
  builtin('_phone', 'phone', 'string', { nullable: true, public: false }),
  builtin('_phone_verified', 'phoneVerified', 'boolean', { public: false }),
  builtin('_provider', 'provider', 'object', { public: false }),
  builtin('avatar', 'avatar', 'string', { writable: true, maxLength: 2048 }),
  builtin('nickname', 'nickname', 'string', SHORT_TEXT),
  builtin('gender', 'gender', 'integer', { writable: true, allowed: [0, 1, 2] }),
  builtin('country', 'country', 'string', SHORT_TEXT),
  builtin('province', 'province', 'string', SHORT_TEXT),
  builtin('city', 'city', 'string', SHORT_TEXT),
  builtin('language', 'language', 'string', SHORT_TEXT),
  builtin('is_authorized', 'isAuthorized', 'boolean'),
  builtin('_suspended', 'suspended', 'boolean', { public: false }),
  builtin('created_at', 'createdAt', 'integer'),
  builtin('updated_at', 'updatedAt', 'integer'),
]

/**
 * Fields that services write but no API names: they are not in any schema, so no query or profile
 * update can reach them.
 */
export const INTERNAL_FIELDS = {
  username: builtin('_username', 'username', 'string', { nullable: true }),
  email: builtin('_email', 'email', 'string', { nullable: true }),
  emailVerified: builtin('_email_verified', 'emailVerified', 'boolean'),
  phone: builtin('_phone', 'phone', 'string', { nullable: true }),
  phoneVerified: builtin('_phone_verified', 'phoneVerified', 'boolean'),
  passwordHash: builtin('password_hash', 'passwordHash', 'string', { nullable: true }),
  provider: builtin('_provider', 'provider', 'object'),
  isAuthorized: builtin('is_authorized', 'isAuthorized', 'boolean'),
  anonymous: builtin('anonymous', 'anonymous', 'boolean'),
  suspended: builtin('_suspended', 'suspended', 'boolean'),
} as const satisfies Record<string, FieldDef>
