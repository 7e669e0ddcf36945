/**
 * How a `StoredUser` maps to a table row: one column per built-in property (booleans as 0/1,
 * `provider` and the custom `profile` as JSON text), plus the lower-cased `username_key` and
 * `email_key` that carry the case-insensitive unique indexes; and the rows of the identities table.
 */
import type { UserColumn } from '../../src/model/fields.js'
import { identifierKey } from '../../src/model/identifiers.js'
import type { Identity, JsonObject, StoredUser } from '../../src/model/user.js'
import type { SqlValue } from './sql.js'

type ColumnKind = 'integer' | 'number' | 'text' | 'boolean' | 'json'

interface ColumnDef {
  /** The SQL column name. */
  readonly name: string
  readonly kind: ColumnKind
  /** Whether the column can hold NULL (unset sorts last / first). */
  readonly nullable: boolean
}

/** SQL column of each `StoredUser` property (except `profile`, which is the `profile` column). */
export const COLUMNS: Readonly<Record<UserColumn, ColumnDef>> = {
  id: { name: 'id', kind: 'integer', nullable: false },
  username: { name: 'username', kind: 'text', nullable: true },
  email: { name: 'email', kind: 'text', nullable: true },
  emailVerified: { name: 'email_verified', kind: 'boolean', nullable: false },
  phone: { name: 'phone', kind: 'text', nullable: true },
  phoneVerified: { name: 'phone_verified', kind: 'boolean', nullable: false },
  provider: { name: 'provider', kind: 'json', nullable: false },
  avatar: { name: 'avatar', kind: 'text', nullable: false },
  nickname: { name: 'nickname', kind: 'text', nullable: false },
  gender: { name: 'gender', kind: 'number', nullable: false },
  country: { name: 'country', kind: 'text', nullable: false },
  province: { name: 'province', kind: 'text', nullable: false },
  city: { name: 'city', kind: 'text', nullable: false },
  language: { name: 'language', kind: 'text', nullable: false },
  isAuthorized: { name: 'is_authorized', kind: 'boolean', nullable: false },
  anonymous: { name: 'anonymous', kind: 'boolean', nullable: false },
  suspended: { name: 'suspended', kind: 'boolean', nullable: false },
  createdAt: { name: 'created_at', kind: 'number', nullable: false },
  updatedAt: { name: 'updated_at', kind: 'number', nullable: false },
  passwordHash: { name: 'password_hash', kind: 'text', nullable: true },
}

/**
 * The stored columns of a user row, as the store selects them (never `*`, which would also compute
 * every generated column of indexed fields).
 */
export const USER_ROW_COLUMNS: readonly string[] = [...Object.values(COLUMNS).map((c) => c.name), 'username_key', 'email_key', 'profile']

/** A row as better-sqlite3 returns it. */
export type UserRow = Record<string, SqlValue | undefined>

/** The column values of a user (without `id`), ready to bind; keys are SQL column names. */
export function userToRow(user: Omit<StoredUser, 'id'>): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = {}
  for (const [property, column] of Object.entries(COLUMNS) as [UserColumn, ColumnDef][]) {
    if (property === 'id') continue
    row[column.name] = encode(column.kind, user[property])
  }
  row.username_key = user.username === null ? null : identifierKey(user.username)
  row.email_key = user.email === null ? null : identifierKey(user.email)
  row.profile = JSON.stringify(user.profile)
  return row
}

function encode(kind: ColumnKind, value: unknown): SqlValue {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'boolean':
      return value ? 1 : 0
    case 'json':
      return JSON.stringify(value)
    default:
      return value as string | number
  }
}

/** The user stored in a row, with its identities (read from their own table, already ordered). */
export function rowToUser(row: UserRow, identities: Identity[]): StoredUser {
  const user: Record<string, unknown> = {}
  for (const [property, column] of Object.entries(COLUMNS) as [UserColumn, ColumnDef][]) {
    user[property] = decode(column.kind, row[column.name] ?? null)
  }
  user.profile = parseObject(row.profile ?? null)
  user.identities = identities
  return user as unknown as StoredUser
}

/** The columns of the identities table, in the order `identityParams` binds them. */
export const IDENTITY_COLUMNS = 'user_id, provider, subject, union_id, linked_at'

export function identityParams(userId: number, identity: Identity): SqlValue[] {
  return [userId, identity.provider, identity.subject, identity.unionId, identity.linkedAt]
}

/** An identity stored in a row of the identities table. */
export function rowToIdentity(row: UserRow): Identity {
  return {
    provider: row.provider as string,
    subject: row.subject as string,
    unionId: (row.union_id ?? null) as string | null,
    linkedAt: row.linked_at as number,
  }
}

function decode(kind: ColumnKind, value: SqlValue): unknown {
  if (value === null) return null
  switch (kind) {
    case 'boolean':
      return value !== 0
    case 'json':
      return parseObject(value)
    default:
      return value
  }
}

function parseObject(value: SqlValue): JsonObject {
  if (typeof value !== 'string') return {}
  const parsed: unknown = JSON.parse(value)
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {}
}
