/**
 * The interfaces adapters implement. Named after what the services need, no more.
 */
import type { UserQuery } from './query/filter.js'
import type { UserChanges } from './query/update.js'
import type { IndexableType } from './model/indexed-fields.js'
import type { IdentifierKind, JsonObject, NewIdentity, NewUser, StoredUser } from './model/user.js'

/** One page of users. */
export interface UserPage {
  /** At most `query.limit` users, in `query.order`. */
  users: StoredUser[]
  /** Whether at least one more user matches after this page (known without counting). */
  hasMore: boolean
  /** Every match, when `query.count` was true. */
  totalCount?: number
}

/**
 * Where users live. Run `describeUserStoreConformance` (from `express-user-router/testing`) on a
 * custom implementation: it checks every rule below.
 *
 * Failures:
 * - a duplicate username (case-insensitive), e-mail (case-insensitive) or phone rejects with
 *   `UserRouterError` code `username_taken` / `email_taken` / `phone_taken`, and a third-party
 *   identity (provider, subject) held by another user with `identity_taken`, decided by the
 *   store's own unique constraint (never by an earlier read, which races);
 * - an identity outside its limits (see `Identity`) rejects with `invalid_request` naming the
 *   field (`identity.subject`, ...), checked with `checkNewIdentity` before any write;
 * - an unreachable backend rejects with code `unavailable`, after a bounded time;
 * - "not found" is a value (`null`), not an error.
 */
export interface UserStore {
  /** Inserts a user and returns it with its new id (a positive integer). */
  createUser(user: NewUser): Promise<StoredUser>
  /**
   * Inserts a user together with its first third-party identity, atomically: when the identity is
   * taken (`identity_taken`), or an identifier is (`username_taken`, ...), no user is left behind.
   */
  createUserWithIdentity(user: NewUser, identity: NewIdentity): Promise<StoredUser>
  getUserById(id: number): Promise<StoredUser | null>
  /**
   * Finds a user by a login identifier: username and e-mail compare case-insensitively, the phone
   * exactly (callers pass it normalised).
   */
  getUserByIdentifier(kind: IdentifierKind, value: string): Promise<StoredUser | null>
  /** Finds the user holding the identity (provider and subject compare exactly). */
  getUserByIdentity(provider: string, subject: string): Promise<StoredUser | null>
  /** Finds the user (the lowest id) having any identity with this WeChat unionid; looked up by an index. */
  getUserByUnionId(unionId: string): Promise<StoredUser | null>
  /** One page of the users matching `query.filter`. */
  listUsers(query: UserQuery): Promise<UserPage>
  /**
   * Applies every operation atomically (concurrent increments never lose an update) and returns
   * the updated user, or null when there is no such user.
   */
  updateUser(id: number, changes: UserChanges): Promise<StoredUser | null>
  /**
   * Links a third-party identity to the user and returns the user, or null when there is no such
   * user. Another user holding it rejects with `identity_taken`; linking it to its holder again
   * changes nothing (its first `linkedAt` stays). The user's other fields, `updatedAt` included,
   * are left as they are.
   */
  linkIdentity(userId: number, identity: NewIdentity): Promise<StoredUser | null>
  /**
   * Removes the identity from the user (nothing to do when the user does not hold it) and returns
   * the user, or null when there is no such user.
   */
  unlinkIdentity(userId: number, provider: string, subject: string): Promise<StoredUser | null>
  /**
   * Deletes the user with its identities, atomically, and returns it as it was, or null when there
   * is no such user. An update racing with the deletion either lands before it (the returned user
   * holds it) or finds no user (null): no update brings a deleted user back. The user's username,
   * e-mail, phone and identities are free at once; its id is never given to another user.
   */
  deleteUser(id: number): Promise<StoredUser | null>
  /** Releases connections. */
  close(): Promise<void>
  /**
   * A stable identity of where the users live (host, port, database, schema and table; a resolved
   * file path; a random id per in-memory store), never holding a password. Two stores on the same
   * users answer the same string, in every process and after restarts; stores on different users
   * answer different ones. The router derives its default Redis key prefix from it, so apps sharing
   * one Redis never see each other's sessions, codes or counters. Optional: without it, give the
   * router an explicit `keyPrefix` when it has Redis.
   */
  namespace?(): string
  /**
   * The custom fields the store keeps in indexed form, with their types (`{ score: 'integer' }`).
   * Optional. The router checks at creation that its `profileFields` declare each of them with the
   * same type, so that a filter or sort on them is served by the store's indexes.
   */
  indexedFields?(): Readonly<Record<string, IndexableType>>
}

/**
 * Short-lived keyed state: token sessions, throttling counters, one-time codes. Redis in production
 * (`RedisKeyValueStore`), an in-process map in development (`MemoryKeyValueStore`). Run
 * `describeKeyValueStoreConformance` on a custom implementation.
 *
 * Keys are given without the store's prefix (the store adds it). Every TTL is in whole seconds and
 * at least 1. An unreachable backend rejects with `UserRouterError` code `unavailable` after a
 * bounded time, and the store recovers by itself when the backend is back.
 */
export interface KeyValueStore {
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>
  /** Sets the value with a time to live, replacing any previous value and TTL. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  /** Sets the value only when the key is absent; true when it was set. Atomic. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  /** Reads and deletes in one atomic step: of concurrent callers, exactly one gets the value. */
  getAndDelete(key: string): Promise<string | null>
  /** Deletes the keys (absent ones are ignored); returns how many existed. */
  delete(keys: readonly string[]): Promise<number>
  /**
   * Adds 1 to a counter and returns the new count. The first increment of a window starts its TTL
   * (`windowSeconds`); later increments keep it, so the counter resets when the window ends. Atomic.
   */
  increment(key: string, windowSeconds: number): Promise<number>
  /**
   * Subtracts 1 from a counter of `increment` and returns the new count, keeping its TTL: gives
   * back a count taken in advance. A counter that reaches 0 is deleted (the next increment starts a
   * new window); an absent (or expired) one stays absent and answers 0. Atomic.
   */
  decrement(key: string): Promise<number>
  /** Seconds until the key expires; null when it is absent (or has no TTL). */
  ttl(key: string): Promise<number | null>
  /** Adds a member to a set and (re)sets the set's TTL to at least `ttlSeconds`. */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>
  /** The members of a set (empty when absent). */
  setMembers(key: string): Promise<string[]>
  /** Removes members from a set. */
  removeFromSet(key: string, members: readonly string[]): Promise<void>
  /**
   * Stores a one-time secret (the keyed hash of a code, say) with failure counts of 0, replacing
   * any previous secret under the key together with its owner, counts and TTL. Read it back only
   * through `consumeSecret`. `owner` (any string; say a digest of the IP that asked for the code)
   * tells whose wrong tries may burn the secret; without it every caller counts as the owner.
   */
  putSecret(key: string, secret: string, ttlSeconds: number, owner?: string): Promise<void>
  /**
   * Checks `candidate` against the secret under `key`, in one atomic step:
   * - equal: deletes the key and answers `'match'` (of concurrent callers with the right
   *   candidate, exactly one gets `'match'`, the others `'absent'`);
   * - different, from the owner (`caller` equal to the `owner` given to `putSecret`, or a secret put
   *   without one): counts a failure, keeping the TTL, and answers `'mismatch'`; the
   *   `maxFailures`-th such failure deletes the key and answers `'burnt'`;
   * - different, from anyone else (another `caller`, or none): counts a failure in a separate
   *   count, keeping the TTL, and answers `'mismatch'`, never burning the secret; once that count
   *   has reached `maxFailures`, the candidates of anyone else are not compared at all: `'locked'`
   *   (the owner's right candidate still matches);
   * - no such key (never put, consumed, burnt or expired): `'absent'`.
   * `maxFailures` is a whole number of at least 1.
   */
  consumeSecret(key: string, candidate: string, maxFailures: number, caller?: string): Promise<SecretCheck>
  /** Releases connections the store opened itself. */
  close(): Promise<void>
}

/** What `KeyValueStore.consumeSecret` found. */
export type SecretCheck = 'match' | 'mismatch' | 'burnt' | 'absent' | 'locked'

/** What an SMS carries. The code travels apart from any text, so adapters can use provider templates. */
export interface SmsMessage {
  /** Normalised phone (`13800138000` or E.164 `+14155552671`). */
  phone: string
  /** The one-time code, 6 digits. */
  code: string
  /**
   * What the code is for: `client` (the client API's one code for SMS login, code verification and
   * phone verification), the phone API's `register`, `login`, `reset`, or `delete` (the confirmation
   * of an account's deletion, sent to its verified phone).
   */
  purpose: string
  /** Seconds the code stays valid. */
  ttlSeconds: number
}

/**
 * Sends SMS codes. Rejects with `UserRouterError('sms_quota_exhausted')` when the provider's quota
 * is used up (402 in the client API), and with `UserRouterError('sms_failed', { cause })` on any
 * other failure.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>
}

/** An e-mail with a plain-text and an HTML part. */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

/** Sends e-mail. Rejects with `UserRouterError('mail_failed', { cause })` when it cannot. */
export interface Mailer {
  send(message: MailMessage): Promise<void>
}

/**
 * What an identity provider says of the person who signed in there. Never a token or a secret:
 * `raw` is shown to the user and to operators as the user's `_provider` entry.
 */
export interface ProviderProfile {
  /** The person's id at the provider: OpenID Connect `sub`, WeChat `openid`, Weibo `uid`. */
  subject: string
  /** WeChat's `unionid` (one person across one developer's apps); null elsewhere. */
  unionId: string | null
  nickname?: string
  /** An absolute `https://` URL. */
  avatar?: string
  /** 0 unknown, 1 male, 2 female. */
  gender?: number
  country?: string
  province?: string
  city?: string
  language?: string
  /** The provider's user information as it gave it, without tokens or secrets. */
  raw: JsonObject
}

/** One sign-in attempt, kept by the router between the redirect to the provider and its callback. */
export interface AuthorizationRequest {
  /** The router's callback route, absolute: where the provider sends the browser back. */
  redirectUri: string
  /** Single use, random; the router checks it before `complete` is called. */
  state: string
  /** The PKCE verifier (RFC 7636): a provider that supports PKCE sends its S256 challenge. */
  codeVerifier: string
  /** Random; an OpenID Connect provider sends it and checks it in the ID token. */
  nonce: string
}

/**
 * A provider that signs people in by redirecting the browser (OAuth 2.0, OpenID Connect, WeChat and
 * Weibo web sign-in). Failures reject with `UserRouterError`: `provider_failed` when the provider's
 * answer fails a check (state, nonce, signature, audience, expiry, an error parameter), and
 * `provider_unavailable` when the provider cannot be reached or answers with a server error.
 */
export interface RedirectIdentityProvider {
  /** The provider's authorization URL to send the browser to. */
  authorizationUrl(request: AuthorizationRequest): Promise<string>
  /** Exchanges the callback (the full URL the provider sent the browser back to) for the profile. */
  complete(callback: URL, request: AuthorizationRequest): Promise<ProviderProfile>
}

/**
 * What WeChat answers for a mini program's `wx.login` code. `sessionKey` is a secret: it checks
 * `rawData` signatures and decrypts `encryptedData` from the same sign-in, and never leaves the
 * server (not in answers, logs, errors or events).
 */
export interface WechatMiniProgramSession {
  /** The person's id in this mini program. */
  openId: string
  /** The person's id across the developer's apps; null when WeChat sends none. */
  unionId: string | null
  /** Base64, 16 bytes once decoded. */
  sessionKey: string
}

/** The phone number a person shared with a mini program (the `getPhoneNumber` button). */
export interface WechatPhoneNumber {
  /** As WeChat gives it: with the country code for numbers outside mainland China. */
  phone: string
  /** Without the country code: `13800138000`. */
  purePhone: string
  /** Digits only: `86`. */
  countryCode: string
}

/**
 * A WeChat mini program's server-side API: the person signs in inside WeChat, the mini program
 * sends one-time codes, the server exchanges them. Failures reject with `UserRouterError`:
 * `provider_failed` when WeChat refuses a code (invalid, used, expired) or answers something that
 * fails a check, `provider_unavailable` when WeChat cannot be reached, times out, or answers with a
 * server error or "system busy".
 */
export interface WechatMiniProgram {
  /** The mini program's AppID: encrypted user data must carry it in its watermark. */
  readonly appId: string
  /** Exchanges a `wx.login` code (single use, valid 5 minutes) for the session. */
  codeToSession(code: string): Promise<WechatMiniProgramSession>
  /** Exchanges a `getPhoneNumber` code (single use) for the phone number. */
  phoneNumber(code: string): Promise<WechatPhoneNumber>
  /** Whether `signature` signs `rawData` with the session key (`wx.getUserProfile`). */
  checkRawDataSignature(rawData: string, signature: string, sessionKey: string): boolean
  /**
   * Decrypts `encryptedData` with the session key and `iv`; rejects with `provider_failed` when it
   * does not decrypt to a JSON object whose watermark names this mini program (`appId`).
   */
  decryptUserData(encryptedData: string, iv: string, sessionKey: string): JsonObject
}
