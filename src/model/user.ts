/**
 * The user as the domain and the storage adapters see it: camel-case properties, timestamps in Unix
 * seconds, custom profile fields in `profile`. Wire modules translate it to MinApp field names.
 */

/** A JSON value as stored in `provider` and in custom `object`/`array` fields. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** A stored user. `passwordHash` never leaves the service layer. */
export interface StoredUser {
  /** Positive integer, assigned by the store. */
  id: number
  /** As given at registration; unique case-insensitively. */
  username: string | null
  /** As given; unique case-insensitively. */
  email: string | null
  emailVerified: boolean
  /** Normalised (see `normalizePhone`); unique. */
  phone: string | null
  phoneVerified: boolean
  /** Third-party identity data (MinApp `_provider`). */
  provider: JsonObject
  avatar: string
  nickname: string
  /** 0 unknown, 1 male, 2 female. */
  gender: number
  country: string
  province: string
  city: string
  language: string
  isAuthorized: boolean
  /** An anonymous user has no identifier and no password. */
  anonymous: boolean
  /**
   * Set by an operator: the user cannot sign in on any API and its sessions have ended. Resuming
   * (false again) allows sign-in; ended sessions stay ended.
   */
  suspended: boolean
  /** Unix seconds. */
  createdAt: number
  /** Unix seconds. */
  updatedAt: number
  /** A scrypt-kdf hash (base64), or null for accounts without a password (SMS, anonymous). */
  passwordHash: string | null
  /**
   * Custom profile fields as stored. A value that does not match the field's declared type
   * (after a schema change) reads as unset; see `readProfileValue`.
   */
  profile: JsonObject
  /** The third-party accounts the user signs in with, ordered by `linkedAt`, then provider and subject. */
  identities: Identity[]
}

/**
 * An account of the user at a third-party provider. `(provider, subject)` belongs to at most one
 * user, decided by the store's own unique constraint.
 */
export interface Identity {
  /** The router's name of the provider (`wechat`, `oauth-wechat-mp`, `oauth-oidc`, ...); 1 to 64 characters. */
  provider: string
  /** The user's id at the provider (WeChat openid, OIDC `sub`, Weibo uid); 1 to 256 characters. */
  subject: string
  /** WeChat's unionid (one person across one developer's apps), up to 256 characters, or null. */
  unionId: string | null
  /** Unix seconds. */
  linkedAt: number
}

/**
 * What `createUserWithIdentity` and `linkIdentity` take. `linkedAt` (Unix seconds) comes from the
 * caller, whose clock also gives `NewUser.createdAt`: stores never read a clock of their own.
 */
export interface NewIdentity {
  provider: string
  subject: string
  /** Defaults to null. */
  unionId?: string | null
  linkedAt: number
}

/** What `createUser` takes: identifiers, credentials and optional profile data. */
export interface NewUser {
  username?: string | null
  email?: string | null
  emailVerified?: boolean
  phone?: string | null
  phoneVerified?: boolean
  passwordHash?: string | null
  provider?: JsonObject
  avatar?: string
  nickname?: string
  gender?: number
  country?: string
  province?: string
  city?: string
  language?: string
  isAuthorized?: boolean
  anonymous?: boolean
  /** Custom fields, already validated against the schema. */
  profile?: JsonObject
  /** Unix seconds; also the initial `updatedAt`. */
  createdAt: number
}

/** The login identifiers a user can be found by. */
export type IdentifierKind = 'username' | 'email' | 'phone'

/** Fills the defaults of a new user (no identities yet); adapters use it so that every store stores the same thing. */
export function withUserDefaults(input: NewUser): Omit<StoredUser, 'id'> {
  return {
    username: input.username ?? null,
    email: input.email ?? null,
    emailVerified: input.emailVerified ?? false,
    phone: input.phone ?? null,
    phoneVerified: input.phoneVerified ?? false,
    provider: input.provider ?? {},
    avatar: input.avatar ?? '',
    nickname: input.nickname ?? '',
    gender: input.gender ?? 0,
    country: input.country ?? '',
    province: input.province ?? '',
    city: input.city ?? '',
    language: input.language ?? '',
    isAuthorized: input.isAuthorized ?? false,
    anonymous: input.anonymous ?? false,
    suspended: false,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    passwordHash: input.passwordHash ?? null,
    profile: input.profile ?? {},
    identities: [],
  }
}
