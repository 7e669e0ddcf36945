/**
 * The Joi schema of `createUserRouter`'s options: every rule and default in one place, applied by
 * `parseOptions` in `options.ts`.
 */
import Joi from 'joi'
import { MAX_CONCURRENT_HASHES } from './options-hash-concurrency.js'
import type { CheckedOptions } from './options-keys.js'
import {
  KEY_VALUE_STORE_METHODS,
  MAILER_METHODS,
  missingMethods,
  REDIRECT_IDENTITY_PROVIDER_METHODS,
  SMS_SENDER_METHODS,
  USER_STORE_METHODS,
  USER_STORE_OPTIONAL_METHODS,
  WECHAT_MINI_PROGRAM_METHODS,
} from './port-methods.js'

/**
 * The machine's default of `password.maxConcurrentHashes` (from its cores and libuv's pool, see
 * `options-hash-concurrency.ts`), given by `parseOptions` in the validation context.
 */
export const MACHINE_CONCURRENT_HASHES = 'machineConcurrentHashes'

/** The longest a client token may live: 30 days, as on MinApp. */
export const MAX_TOKEN_TTL_SECONDS = 2_592_000

/** An object with these methods, passed through untouched (Joi.any never clones it). */
const implementing = (names: readonly string[], optional: readonly string[] = []) =>
  Joi.any().custom((value: Record<string, unknown>, helpers) => {
    const missing = missingMethods(value, names, optional)
    return typeof value === 'object' && value !== null && missing.length === 0 ? value : helpers.message({ custom: `must implement ${missing.join(', ')}` })
  })

const REDIS_KINDS = 'must be an ioredis client, a redis:// URL, or a KeyValueStore'
const redisUrl = Joi.string().uri({ scheme: ['redis', 'rediss'] })

/** An ioredis client (known by its commands), a redis:// URL, or a whole `KeyValueStore`, naming what it lacks. */
const redisOption = Joi.any().custom((value: unknown, helpers) => {
  if (typeof value === 'string') return redisUrl.validate(value).error ? helpers.message({ custom: REDIS_KINDS }) : value
  if (typeof value !== 'object' || value === null) return helpers.message({ custom: REDIS_KINDS })
  if (missingMethods(value, ['getdel', 'sadd']).length === 0) return value
  const missing = missingMethods(value, KEY_VALUE_STORE_METHODS)
  return missing.length === 0 ? value : helpers.message({ custom: `${REDIS_KINDS}: as a KeyValueStore it lacks ${missing.join(', ')}` })
})

const positiveInteger = Joi.number().integer().min(1)
/** A count per hour, or `false` for no limit. */
const hourlyLimit = (fallback: number) =>
  Joi.alternatives(positiveInteger, Joi.boolean().valid(false))
    .default(fallback)
    .messages({ 'alternatives.types': 'must be a whole number of at least 1, or false to switch the limit off' })

/** Hosts that plain `http://` may name: the machine itself (development, tests). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}

const ORIGIN_FORM = 'must be an origin (scheme, host and port only), e.g. https://app.example.com; http:// only on a loopback host'

/** An exact origin as `URL` writes it: `https://app.example.com`, no path, no trailing slash. */
const callbackOrigin = Joi.string().custom((value: string, helpers) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return helpers.message({ custom: ORIGIN_FORM })
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
  return secure && url.origin === value ? value : helpers.message({ custom: ORIGIN_FORM })
})

/** Its value is `CheckedOptions`: a test holds its keys, and which of them it may leave unset, to `options-keys.ts`. */
export const optionsSchema = Joi.object<CheckedOptions>({
  storage: implementing(USER_STORE_METHODS, USER_STORE_OPTIONAL_METHODS)
    .required()
    .messages({ 'any.required': 'is required: pass a UserStore such as new SqliteUserStore({ filename })' }),
  redis: redisOption,
  keyPrefix: Joi.string()
    .min(1)
    .max(64)
    .pattern(/^[^\s{}]+$/),
  clients: Joi.array().items(Joi.string().min(1).max(256)).min(1).required().messages({
    'any.required': "is required: list the accepted X-Hydrogen-Client-ID values, e.g. clients: ['my-client-id']",
  }),
  profileFields: Joi.object().default({}),
  tokenTtlSeconds: positiveInteger.max(MAX_TOKEN_TTL_SECONDS).default(MAX_TOKEN_TTL_SECONDS),
  sessions: Joi.object({ maxPerUser: positiveInteger.max(10_000).default(100) }).default(),
  recentSignInSeconds: Joi.number().integer().min(0).max(86_400).default(300),
  password: Joi.object({
    minLength: positiveInteger.max(128).default(8),
    maxLength: positiveInteger.max(1024).default(128),
    scrypt: Joi.object({
      logN: Joi.number().integer().min(4).max(20).default(15),
      r: positiveInteger.max(32).default(8),
      p: positiveInteger.max(16).default(1),
    }).default(),
    maxConcurrentHashes: positiveInteger.max(MAX_CONCURRENT_HASHES).default(Joi.ref(`$${MACHINE_CONCURRENT_HASHES}`)),
    maxQueuedHashes: Joi.number().integer().min(0).max(100_000).default(200),
    rejectCommon: Joi.boolean().default(true),
    rejectList: Joi.array().items(Joi.string().min(1).max(1024)).max(100_000).default([]),
  }).default(),
  loginThrottle: Joi.object({
    maxFailuresPerAccount: positiveInteger.default(10),
    maxFailuresPerIp: positiveInteger.default(100),
    windowSeconds: positiveInteger.max(86_400).default(900),
  }).default(),
  rateLimits: Joi.object({
    registrationsPerIpPerHour: hourlyLimit(50),
    anonymousLoginsPerIpPerHour: hourlyLimit(50),
    emailsPerUserPerHour: hourlyLimit(10),
    emailsPerIpPerHour: hourlyLimit(30),
    refreshesPerFamilyPerHour: hourlyLimit(60),
    signInRedirectsPerIpPerHour: hourlyLimit(100),
  }).default(),
  sms: implementing(SMS_SENDER_METHODS),
  mailer: implementing(MAILER_METHODS),
  secret: Joi.string().min(32).max(1024),
  publicUrl: Joi.string().uri({ scheme: ['http', 'https'] }),
  smsCodes: Joi.object({
    ttlSeconds: positiveInteger.max(86_400).default(600),
    cooldownSeconds: positiveInteger.max(86_400).default(60),
    maxPerPhonePerDay: positiveInteger.default(10),
    maxPerPhonePerDayAllIps: positiveInteger.default((parent: { maxPerPhonePerDay: number }) => 3 * parent.maxPerPhonePerDay),
    maxPerIpPerHour: positiveInteger.default(30),
    maxPerHour: positiveInteger.default(1000),
    maxFailures: positiveInteger.max(100).default(5),
    allowedCallingCodes: Joi.array()
      .items(
        Joi.string()
          .pattern(/^[1-9]\d{0,2}$/)
          .messages({ 'string.pattern.base': 'must be country calling codes of 1 to 3 digits without "+", e.g. ["86", "1"]' }),
      )
      .min(1)
      .unique()
      .default(['86']),
  }).default(),
  email: Joi.object({
    language: Joi.string().valid('zh', 'en').default('zh'),
    appName: Joi.string().max(128).allow('').default(''),
    verifyTtlSeconds: positiveInteger.max(30 * 86_400).default(86_400),
    resetTtlSeconds: positiveInteger.max(7 * 86_400).default(3600),
    cooldownSeconds: positiveInteger.max(86_400).default(60),
    // Removed: a reset link now goes to unverified addresses too (completing it verifies the address).
    allowUnverifiedReset: Joi.any().forbidden().messages({
      'any.unknown': 'was removed: reset links go to unverified addresses too, and completing the reset verifies the address',
    }),
    concealUnknownEmails: Joi.boolean().default(false),
    templates: Joi.object({ verify: Joi.function(), reset: Joi.function(), delete: Joi.function(), accountChanged: Joi.function() }).default({}),
  }).default(),
  admin: Joi.object({
    authorize: Joi.function().required(),
    sessionTtlSeconds: positiveInteger.max(30 * 86_400).default(28_800),
    cookieName: Joi.string()
      .pattern(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/)
      .default('eur.admin'),
    trustedOrigins: Joi.array()
      .items(Joi.string().uri({ scheme: ['http', 'https'] }))
      .default([]),
  }),
  sessionSecret: Joi.alternatives(Joi.string().min(32).max(1024), Joi.array().items(Joi.string().min(32).max(1024)).min(1)),
  anonymousLogin: Joi.boolean().default(false),
  oauth: Joi.object({
    clients: Joi.array()
      .items(
        Joi.object({
          id: Joi.string()
            .min(1)
            .max(256)
            .pattern(/^[\x21-\x7e]+$/)
            .required(),
          secret: Joi.string().min(8).max(1024).required(),
        }),
      )
      .min(1)
      .unique('id')
      .required(),
    accessTokenTtlSeconds: positiveInteger.max(MAX_TOKEN_TTL_SECONDS).default(86_400),
    refreshTokenTtlSeconds: positiveInteger.max(365 * 86_400).default(MAX_TOKEN_TTL_SECONDS),
    loginCodeTtlSeconds: positiveInteger.max(3_600).default(600),
  }),
  identityProviders: Joi.object({
    // Both required together, and unless the mini program is the only provider.
    providers: Joi.object()
      .pattern(/^[a-z0-9-]{1,64}$/, implementing(REDIRECT_IDENTITY_PROVIDER_METHODS).required())
      .min(1)
      .when('wechatMiniProgram', { is: Joi.exist(), otherwise: Joi.required() })
      .messages({ 'object.unknown': 'is not a provider name: use 1 to 64 of a-z, 0-9 and -' }),
    allowedCallbackOrigins: Joi.array().items(callbackOrigin).min(1).when('providers', { not: Joi.exist(), otherwise: Joi.required() }),
    wechatMiniProgram: implementing(WECHAT_MINI_PROGRAM_METHODS).custom((value: { appId?: unknown }, helpers) =>
      typeof value.appId === 'string' && value.appId !== '' ? value : helpers.message({ custom: "must have the mini program's appId" }),
    ),
  }),
  openApi: Joi.object({
    path: Joi.string()
      .pattern(/^\/[A-Za-z0-9._~/-]*$/)
      .required(),
    title: Joi.string().min(1).max(200),
    version: Joi.string().min(1).max(64),
  }),
  cors: Joi.object({
    origins: Joi.alternatives(Joi.string().valid('*'), Joi.array().items(Joi.string().uri(), Joi.object().instance(RegExp)).min(1)).required(),
    maxAgeSeconds: Joi.number().integer().min(0).max(86_400).default(600),
  }),
  onEvent: Joi.function(),
  logger: implementing(['warn', 'error']),
  now: Joi.function(),
}).required()
