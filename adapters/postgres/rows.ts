/**
 * Rows ↔ `StoredUser`: the column of every built-in property, and the type parsers the store passes
 * with each query (pg's global parsers are shared with the host app, so they are never changed and
 * never relied on).
 */
import type pg from 'pg'
import type { UserColumn } from '../../src/model/fields.js'
import { sortIdentities } from '../../src/model/identities.js'
import type { Identity, JsonObject, StoredUser } from '../../src/model/user.js'
import type { TableNames } from './options.js'

/** The SQL type a column holds; bound values are cast to it. */
export type ColumnType = 'bigint' | 'smallint' | 'text' | 'boolean' | 'jsonb'

export interface ColumnDef {
  readonly name: string
  readonly type: ColumnType
}

/** Every `StoredUser` property but `profile`, by column. */
export const COLUMNS: Readonly<Record<UserColumn, ColumnDef>> = {
  id: { name: 'id', type: 'bigint' },
  username: { name: 'username', type: 'text' },
  email: { name: 'email', type: 'text' },
  emailVerified: { name: 'email_verified', type: 'boolean' },
  phone: { name: 'phone', type: 'text' },
  phoneVerified: { name: 'phone_verified', type: 'boolean' },
  provider: { name: 'provider', type: 'jsonb' },
  avatar: { name: 'avatar', type: 'text' },
  nickname: { name: 'nickname', type: 'text' },
  gender: { name: 'gender', type: 'smallint' },
  country: { name: 'country', type: 'text' },
  province: { name: 'province', type: 'text' },
  city: { name: 'city', type: 'text' },
  language: { name: 'language', type: 'text' },
  isAuthorized: { name: 'is_authorized', type: 'boolean' },
  anonymous: { name: 'anonymous', type: 'boolean' },
  suspended: { name: 'suspended', type: 'boolean' },
  createdAt: { name: 'created_at', type: 'bigint' },
  updatedAt: { name: 'updated_at', type: 'bigint' },
  passwordHash: { name: 'password_hash', type: 'text' },
}

/** The columns of a user row. */
export const SELECT_LIST = [...Object.values(COLUMNS).map((c) => c.name), 'profile'].join(', ')

/**
 * The select list of every query that returns users from the users table: its columns and the
 * user's identities, aggregated by one subquery on the identities' user index (no query per user),
 * run only for users who ever linked one (`never_linked`, see `migrate.ts`).
 * `rows` names where the user rows come from when it is not the table itself (a CTE).
 */
export function userSelectList(names: TableNames, rows = names.qualified): string {
  const identity = `json_build_object('provider', i.provider, 'subject', i.subject, 'unionId', i.union_id, 'linkedAt', i.linked_at)`
  const identities = `(SELECT coalesce(json_agg(${identity}), '[]'::json) FROM ${names.identities} AS i WHERE i.user_id = ${rows}.id)`
  return `${SELECT_LIST}, CASE WHEN ${rows}.never_linked THEN '[]'::json ELSE ${identities} END AS identities`
}

/** A value bound for a column: JSON text for jsonb, the value itself otherwise. */
export function columnParam(column: ColumnDef, value: unknown): unknown {
  return column.type === 'jsonb' ? JSON.stringify(value) : value
}

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, json: 114, jsonb: 3802 } as const
const identity = (value: string) => value
const PARSERS = new Map<number, (value: string) => unknown>([
  [OID.bool, (v) => v === 't'],
  [OID.int8, Number],
  [OID.int2, Number],
  [OID.int4, Number],
  [OID.json, JSON.parse],
  [OID.jsonb, JSON.parse],
])

/** Per-query type parsers: int8 (ids, Unix seconds, counts) as numbers, jsonb parsed, text as is. */
export const TYPES = {
  getTypeParser: ((oid: number) => PARSERS.get(oid) ?? identity) as unknown as pg.CustomTypesConfig['getTypeParser'],
} satisfies pg.CustomTypesConfig

export function toStoredUser(row: Record<string, unknown>): StoredUser {
  return {
    id: Number(row.id),
    username: row.username as string | null,
    email: row.email as string | null,
    emailVerified: row.email_verified as boolean,
    phone: row.phone as string | null,
    phoneVerified: row.phone_verified as boolean,
    provider: row.provider as JsonObject,
    avatar: row.avatar as string,
    nickname: row.nickname as string,
    gender: Number(row.gender),
    country: row.country as string,
    province: row.province as string,
    city: row.city as string,
    language: row.language as string,
    isAuthorized: row.is_authorized as boolean,
    anonymous: row.anonymous as boolean,
    suspended: row.suspended as boolean,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordHash: row.password_hash as string | null,
    profile: row.profile as JsonObject,
    identities: Array.isArray(row.identities) ? sortIdentities(row.identities as Identity[]) : [],
  }
}
