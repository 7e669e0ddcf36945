/**
 * The public options of `createUserRouter`, their Joi schema, and their parsing into the internal
 * config. No option is read anywhere else. A wrong option throws at creation, naming the option and
 * the fix.
 */
import { availableParallelism } from 'node:os'
import { defaultConcurrentHashes, libuvThreadpoolSize } from './options-hash-concurrency.js'
import { MACHINE_CONCURRENT_HASHES, optionsSchema } from './options-schema.js'
import { identityConfig } from './options-identity.js'
import { routerKeyPrefix } from './options-key-prefix.js'
import type { EventSink } from './events.js'
import type { ProfileFieldsOption } from './model/fields.js'
import type { EmailTemplates } from './services/email-messages.js'
import { refusedPasswords } from './services/password-policy.js'
import type { StoredUser } from './model/user.js'
import type { KeyValueStore, Mailer, RedirectIdentityProvider, SmsSender, UserStore, WechatMiniProgram } from './ports.js'

export { MAX_TOKEN_TTL_SECONDS } from './options-schema.js'

/** Something that logs; `console` by default. Messages never contain secrets. */
export interface Logger {
  warn(message: string): void
  error(message: string, error?: unknown): void
}

/** An ioredis client (`new Redis(...)` or `new Cluster(...)`), recognised by its commands. */
export interface RedisLikeClient {
  getdel: unknown
  sadd: unknown
  status: string
}

/** Options an app reads from its environment (`redis`, `secret`, `publicUrl`, `sessionSecret`) take `undefined` as not given. */
export interface UserRouterOptions {
  /** Where users live: `PostgresUserStore`, `SqliteUserStore`, `MemoryUserStore` or your own. Required. */
  storage: UserStore
  /**
   * Sessions, rate limits and codes: an ioredis client, a `redis://` URL, or any `KeyValueStore`.
   * Without it, outside production only, an in-process store stands in (with a warning).
   */
  redis?: RedisLikeClient | string | KeyValueStore | undefined
  /**
   * Prefix of every key the router stores in Redis (inside the store's own prefix when `redis` is a
   * `KeyValueStore`). Default: `eur:` and a short hash of `storage.namespace()` (`eur:3f9a0c27b1d4e865:`),
   * so apps on different users never share keys while every process of one app (and every restart)
   * does. Required when `redis` is given and `storage` has no `namespace()`.
   */
  keyPrefix?: string
  /** Accepted `X-Hydrogen-Client-ID` values. Required, at least one. */
  clients: string[]
  /** Custom profile fields by name: `{ score: 'integer', tags: { type: 'array', items: 'string' } }`. */
  profileFields?: ProfileFieldsOption
  /** Seconds a client token lives (default and maximum 2592000: 30 days). */
  tokenTtlSeconds?: number
  sessions?: {
    /** Signed-in sessions a user keeps, client API tokens and OAuth token families together (default 100, at most 10000); a sign-in past it ends the oldest. */
    maxPerUser?: number
  }
  /**
   * Seconds after a client API sign-in during which its token may change the account's e-mail or
   * phone without the current password, as the MinApp SDK's setEmail and setMobilePhone need
   * (default 300; 0: the password is always needed; at most 86400). OAuth access tokens always
   * need it, and so does a password change.
   */
  recentSignInSeconds?: number
  password?: {
    /** Shortest password, in characters (default 8). */
    minLength?: number
    /** Longest password, in characters (default 128). */
    maxLength?: number
    /** scrypt cost (default logN 15, r 8, p 1). Hashes made with weaker parameters are upgraded at login. */
    scrypt?: { logN?: number; r?: number; p?: number }
    /**
     * Hashes computed at once (default one per CPU core, but at most libuv's pool size less one,
     * `UV_THREADPOOL_SIZE` or 4: 2 on a 2-core machine, 3 on 16 cores unless the pool is made larger).
     */
    maxConcurrentHashes?: number
    /** Hashes allowed to wait for a slot; more are refused with 503 and Retry-After (default 200). */
    maxQueuedHashes?: number
    /** Refuse the most common passwords (about 49,000, compared case-insensitively; default true). */
    rejectCommon?: boolean
    /** The app's own refused passwords (its name, say), compared case-insensitively in NFKC form (default none). */
    rejectList?: string[]
  }
  loginThrottle?: {
    /** Failed sign-ins per account and IP within the window before 429 (default 10). */
    maxFailuresPerAccount?: number
    /** Failed sign-ins per IP within the window before 429 (default 100). */
    maxFailuresPerIp?: number
    /** Seconds (default 900). */
    windowSeconds?: number
  }
  /**
   * Hourly limits on actions that cost the server (hashes, mails, accounts), counted in the
   * key-value store and checked before any hash; past one the answer is 429 `rate_limited` with
   * `Retry-After`. Each takes a whole number, or `false` to switch it off.
   */
  rateLimits?: {
    /** Registrations per IP per hour: the client API's register routes and the phone API's (default 50). */
    registrationsPerIpPerHour?: number | false
    /** Anonymous logins per IP per hour (default 50). */
    anonymousLoginsPerIpPerHour?: number | false
    /** Verification and reset mails per user per hour, whatever the address (default 10). */
    emailsPerUserPerHour?: number | false
    /** Verification and reset mails asked for per IP per hour (default 30). */
    emailsPerIpPerHour?: number | false
    /** Refresh grants per OAuth token family per hour (default 60). */
    refreshesPerFamilyPerHour?: number | false
    /** Third-party sign-ins started per IP per hour; each keeps a state for 10 minutes (default 100). */
    signInRedirectsPerIpPerHour?: number | false
  }
  /**
   * Sends SMS codes. Outside production the default prints codes to the console; in production
   * without it the SMS routes are not served. Either way the router says so once (`logger.warn`).
   */
  sms?: SmsSender
  /**
   * Sends e-mail. Outside production the default prints messages to the console; in production
   * without it the e-mail routes are not served. Either way the router says so once (`logger.warn`).
   */
  mailer?: Mailer
  /**
   * Key (at least 32 characters) of the keyed hashes under which SMS codes are stored. Routers that
   * share one Redis need the same secret. Default: random per router, which is fine for one process.
   */
  secret?: string | undefined
  /**
   * Absolute URL where the router is mounted, for the links in e-mails
   * (`https://api.example.com/accounts`). Required in production when e-mail flows are served;
   * outside production the request's own host is used.
   */
  publicUrl?: string | undefined
  smsCodes?: {
    /** Seconds a code stays valid (default 600). */
    ttlSeconds?: number
    /** Seconds between two codes to one phone asked for from one IP (default 60). */
    cooldownSeconds?: number
    /** Codes per phone and requesting IP per day (default 10, MinApp's figure). */
    maxPerPhonePerDay?: number
    /** Codes per phone per day over all IPs: the ceiling that bounds SMS bombing (default 3 × `maxPerPhonePerDay`). */
    maxPerPhonePerDayAllIps?: number
    /** Codes requested per IP per hour, an IPv6 client counted by its /64 (default 30). */
    maxPerIpPerHour?: number
    /** Codes sent per hour over all phones; past it sends pause with 503 `sms_paused` (default 1000). */
    maxPerHour?: number
    /** Wrong tries from the IP that asked for a code that burn it; other IPs share as many, which never burn it (default 5). */
    maxFailures?: number
    /**
     * Country calling codes (`'86'`, `'1'`, `'44'`) whose phones get codes; others are refused with
     * 400 `sms_region_not_allowed` (default `['86']`: mainland China only).
     */
    allowedCallingCodes?: string[]
  }
  email?: {
    /** Language of the messages and pages: `zh` (default) or `en`. */
    language?: 'zh' | 'en'
    /** Shown in messages (default: none). */
    appName?: string
    /** Seconds a verification link stays valid (default 86400). */
    verifyTtlSeconds?: number
    /** Seconds a password-reset link stays valid (default 3600). */
    resetTtlSeconds?: number
    /** Seconds between two e-mails to one address (default 60). */
    cooldownSeconds?: number
    /** Answer 201 for unknown addresses too, so the reset route cannot tell who has an account (default false: 404). */
    concealUnknownEmails?: boolean
    /**
     * Replace the built-in messages: `verify`, `reset` and `delete` (the link confirming an account's
     * deletion) are functions of
     * `{ link, appName, language, expiresInMinutes }` returning `{ subject, text, html }` (or a promise);
     * `accountChanged` (the notice to the old verified address after an e-mail or phone change) one
     * of `{ appName, language, changed }`.
     */
    templates?: EmailTemplates
  }
  /**
   * Serve the admin API (`/userve`): cookie sessions for operators. Off unless given.
   * `authorize` decides who is an administrator.
   */
  admin?: AdminOptions
  /**
   * Signs the admin session cookie (at least 32 characters; a list rotates: the first signs, all
   * verify). Required in production when `admin` is given; elsewhere a random one per router is
   * used, with a warning (sessions then end with the process).
   */
  sessionSecret?: string | string[] | undefined
  /** Serve `POST /hserve/v2.0/login/anonymous/` (default false). */
  anonymousLogin?: boolean
  /**
   * Serves the phone API (`/api/v1/users/...`) and the OAuth 2.0 endpoints (`/oauth/token`,
   * `/oauth/revoke`) for these clients. Without it, that family is not served.
   */
  oauth?: {
    /** The OAuth clients. Secrets (at least 8 characters) are compared in constant time. Required, at least one. */
    clients: { id: string; secret: string }[]
    /** Seconds an access token lives (default 86400, at most 2592000). */
    accessTokenTtlSeconds?: number
    /** Seconds a refresh token stays usable; each refresh hands out a new one with a full lifetime (default 2592000). */
    refreshTokenTtlSeconds?: number
    /** Seconds an `oauth_login_code` stays usable (default 600). */
    loginCodeTtlSeconds?: number
  }
  /**
   * Serve the OpenAPI 3.1 document of the mounted routes at `path` under the router (e.g.
   * `/openapi.json`); `title` and `version` go into its `info`. Default: not served (the
   * `openApiDocument(router)` function gives it either way).
   */
  openApi?: { path: string; title?: string; version?: string }
  /**
   * Third-party sign-in in the client API (`/hserve/v2.0/idp/:provider/...`): the providers by the
   * name the URL gives them, and the origins of the app pages the router may send a sign-in back to.
   * Without it, those routes are not served.
   */
  identityProviders?: IdentityProvidersOptions
  /** Answer CORS requests from these origins: a list of exact origins, RegExps, or `'*'` (default: no CORS). */
  cors?: { origins: '*' | (string | RegExp)[]; maxAgeSeconds?: number }
  /** Receives audit events (never secrets). */
  onEvent?: EventSink
  /** Where warnings and unexpected errors go (default `console`). */
  logger?: Logger
  /**
   * The router's clock, in milliseconds since 1970 (default `Date.now`). Intended for tests: moving
   * it moves every lifetime the router checks itself (tokens, OAuth token families, admin sessions,
   * e-mail links) and the `at` of events. Expiries kept only as a key-value store's TTL (codes,
   * cooldowns, rate-limit windows) follow the store's own clock.
   */
  now?: () => number
}

export interface IdentityProvidersOptions {
  /**
   * Providers that redirect the browser, by name (1 to 64 of `a-z`, `0-9`, `-`): the `:provider` of
   * the routes. At least one; required unless `wechatMiniProgram` is given.
   */
  providers?: Record<string, RedirectIdentityProvider>
  /**
   * Exact origins (`https://app.example.com`) of the pages whose URL may be a `callback_url`; plain
   * `http://` only on a loopback host. At least one; required with `providers`.
   */
  allowedCallbackOrigins?: string[]
  /** A WeChat mini program's server API: serves the mini program's `/idp/wechat/...` routes (provider `wechat`). */
  wechatMiniProgram?: WechatMiniProgram
}

/** The `identityProviders` option after checking: no redirect providers and no origins when only the mini program is given. */
export interface IdentityConfig {
  providers: Record<string, RedirectIdentityProvider>
  allowedCallbackOrigins: string[]
  wechatMiniProgram: WechatMiniProgram | undefined
}

/** The user `admin.authorize` is asked about: a stored user without its password hash. */
export type AdminCandidate = Omit<StoredUser, 'passwordHash'>

export interface AdminOptions {
  /** Whether this user may use the admin API; asked at sign-in and on every admin request. */
  authorize(user: AdminCandidate): boolean | Promise<boolean>
  /** Seconds an admin session lasts after sign-in (default 28800: 8 hours). */
  sessionTtlSeconds?: number
  /** Name of the session cookie (default `eur.admin`). Two routers on one host need different names. */
  cookieName?: string
  /**
   * Origins (`https://dashboard.example.com`) besides the API's own host whose pages may send
   * state-changing admin requests, and which get credentialed CORS answers (default none).
   */
  trustedOrigins?: string[]
}

/** The `rateLimits` option after checking: each a count per hour, or false for none. */
export interface RateLimitsConfig {
  registrationsPerIpPerHour: number | false
  anonymousLoginsPerIpPerHour: number | false
  emailsPerUserPerHour: number | false
  emailsPerIpPerHour: number | false
  refreshesPerFamilyPerHour: number | false
  signInRedirectsPerIpPerHour: number | false
}

/** The `oauth` option after checking. */
export interface OAuthConfig {
  clients: { id: string; secret: string }[]
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  loginCodeTtlSeconds: number
}

/** The `smsCodes` option after checking. */
export interface SmsCodesConfig {
  ttlSeconds: number
  cooldownSeconds: number
  maxPerPhonePerDay: number
  maxPerIpPerHour: number
  maxFailures: number
  maxPerPhonePerDayAllIps: number
  maxPerHour: number
  allowedCallingCodes: string[]
}

/** The `email` option after checking. */
export interface EmailConfig {
  language: 'zh' | 'en'
  appName: string
  verifyTtlSeconds: number
  resetTtlSeconds: number
  cooldownSeconds: number
  concealUnknownEmails: boolean
  templates: EmailTemplates
}

/** The `admin` option after checking. */
export type AdminConfig = Required<AdminOptions>

/** The options after checking, with every default applied. */
export interface RouterConfig {
  storage: UserStore
  redis: UserRouterOptions['redis']
  keyPrefix: string
  clients: ReadonlySet<string>
  profileFields: ProfileFieldsOption
  tokenTtlSeconds: number
  sessions: { maxPerUser: number }
  recentSignInSeconds: number
  password: {
    minLength: number
    maxLength: number
    scrypt: { logN: number; r: number; p: number }
    maxConcurrentHashes: number
    maxQueuedHashes: number
    rejectCommon: boolean
    rejectList: string[]
    /** Built once per router from `rejectCommon` and `rejectList`. */
    commonPasswords: ReadonlySet<string>
    listedPasswords: ReadonlySet<string>
  }
  loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowSeconds: number }
  rateLimits: RateLimitsConfig
  sms: SmsSender | undefined
  mailer: Mailer | undefined
  secret: string | undefined
  publicUrl: string | undefined
  smsCodes: SmsCodesConfig
  email: EmailConfig
  admin: AdminConfig | undefined
  /** The cookie signing secrets, the first signing; undefined when not given. */
  sessionSecret: string[] | undefined
  anonymousLogin: boolean
  oauth: OAuthConfig | undefined
  identityProviders: IdentityConfig | undefined
  openApi: { path: string; title?: string; version?: string } | undefined
  cors: { origins: '*' | (string | RegExp)[]; maxAgeSeconds: number } | undefined
  onEvent: EventSink | undefined
  logger: Logger
  /** Milliseconds since 1970: `Date.now` unless a test moves time. */
  now: () => number
  /** Whether NODE_ENV was `production` when the router was created: read once, here. */
  production: boolean
}

/** Checks the options and applies the defaults; throws a `TypeError` naming the first wrong option. */
export function parseOptions(options: UserRouterOptions): RouterConfig {
  // libuv reads UV_THREADPOOL_SIZE when its pool starts (the first fs, dns or crypto job), the router when it is created.
  const machineConcurrentHashes = defaultConcurrentHashes(availableParallelism(), libuvThreadpoolSize(process.env.UV_THREADPOOL_SIZE))
  const { error, value } = optionsSchema.validate(options, {
    abortEarly: true,
    convert: false,
    context: { [MACHINE_CONCURRENT_HASHES]: machineConcurrentHashes },
  })
  if (error) {
    const detail = error.details[0]!
    const path = detail.path.join('.') || '(options)'
    const message = detail.message.replace(/^"[^"]*" /, '')
    throw new TypeError(`createUserRouter: options.${path} ${message}`)
  }
  if (value.password.minLength > value.password.maxLength) {
    throw new TypeError('createUserRouter: options.password.minLength must not exceed options.password.maxLength')
  }
  const password = { ...value.password, ...refusedPasswords(value.password) }
  const sessionSecret = value.sessionSecret === undefined ? undefined : [value.sessionSecret].flat()
  const admin = value.admin && { ...value.admin, trustedOrigins: value.admin.trustedOrigins.map((o: string) => new URL(o).origin) }
  const keyPrefix = routerKeyPrefix(value.keyPrefix, value.storage, value.redis)
  const production = process.env.NODE_ENV === 'production'
  const identityProviders = identityConfig(value.identityProviders)
  return {
    ...value,
    keyPrefix,
    production,
    password,
    admin,
    sessionSecret,
    identityProviders,
    clients: new Set(value.clients),
    logger: value.logger ?? console,
    now: value.now ?? Date.now,
  }
}
