/**
 * Every option key, nested as the options nest, and which of them the checked options may lack.
 * TypeScript holds the tree to `UserRouterOptions` key for key (a missing or extra key does not
 * compile); a test holds it to the Joi schema and to the README's table. `CheckedOptions`, what the
 * schema gives back, is built from the two.
 */
import type { UserRouterOptions } from './options.js'

/** `true` for an option taken whole; an object for one whose keys are options too. */
type KeyTree<T> = { [K in keyof T]-?: true | KeyTree<NonNullable<T[K]>> }

/** The dotted path of every key of the tree. */
type OptionPath<Tree, Prefix extends string = ''> = {
  [K in keyof Tree & string]: `${Prefix}${K}` | (Tree[K] extends true ? never : OptionPath<Tree[K], `${Prefix}${K}.`>)
}[keyof Tree & string]

export const OPTION_KEYS = {
  storage: true,
  redis: true,
  keyPrefix: true,
  clients: true,
  profileFields: true,
  tokenTtlSeconds: true,
  sessions: { maxPerUser: true },
  recentSignInSeconds: true,
  password: {
    minLength: true,
    maxLength: true,
    scrypt: { logN: true, r: true, p: true },
    maxConcurrentHashes: true,
    maxQueuedHashes: true,
    rejectCommon: true,
    rejectList: true,
  },
  loginThrottle: { maxFailuresPerAccount: true, maxFailuresPerIp: true, windowSeconds: true },
  rateLimits: {
    registrationsPerIpPerHour: true,
    anonymousLoginsPerIpPerHour: true,
    emailsPerUserPerHour: true,
    emailsPerIpPerHour: true,
    refreshesPerFamilyPerHour: true,
    signInRedirectsPerIpPerHour: true,
  },
  sms: true,
  mailer: true,
  secret: true,
  publicUrl: true,
  smsCodes: {
    ttlSeconds: true,
    cooldownSeconds: true,
    maxPerPhonePerDay: true,
    maxPerPhonePerDayAllIps: true,
    maxPerIpPerHour: true,
    maxPerHour: true,
    maxFailures: true,
    allowedCallingCodes: true,
  },
  email: {
    language: true,
    appName: true,
    verifyTtlSeconds: true,
    resetTtlSeconds: true,
    cooldownSeconds: true,
    concealUnknownEmails: true,
    templates: { verify: true, reset: true, delete: true, accountChanged: true },
  },
  admin: { authorize: true, sessionTtlSeconds: true, cookieName: true, trustedOrigins: true },
  sessionSecret: true,
  anonymousLogin: true,
  oauth: { clients: true, accessTokenTtlSeconds: true, refreshTokenTtlSeconds: true, loginCodeTtlSeconds: true },
  identityProviders: { providers: true, allowedCallbackOrigins: true, wechatMiniProgram: true },
  openApi: { path: true, title: true, version: true },
  cors: { origins: true, maxAgeSeconds: true },
  onEvent: true,
  logger: true,
  now: true,
} as const satisfies KeyTree<UserRouterOptions>

/** The dotted paths of the options with neither a default nor `required`: unset unless given. */
export const UNSET_UNLESS_GIVEN = [
  'redis',
  'keyPrefix',
  'sms',
  'mailer',
  'secret',
  'publicUrl',
  'email.templates.verify',
  'email.templates.reset',
  'email.templates.delete',
  'email.templates.accountChanged',
  'admin',
  'sessionSecret',
  'oauth',
  'identityProviders',
  'identityProviders.providers',
  'identityProviders.allowedCallbackOrigins',
  'identityProviders.wechatMiniProgram',
  'openApi',
  'openApi.title',
  'openApi.version',
  'cors',
  'onEvent',
  'logger',
  'now',
] as const satisfies readonly OptionPath<typeof OPTION_KEYS>[]

type Unset = (typeof UNSET_UNLESS_GIVEN)[number]

/** The options as the schema gives them back: each given or defaulted, but the unset ones `undefined`. */
type Checked<T, Tree, Prefix extends string> = {
  [K in keyof Tree & keyof T & string]-?: CheckedValue<T[K], Tree[K], `${Prefix}${K}.`> | (`${Prefix}${K}` extends Unset ? undefined : never)
}
type CheckedValue<V, Tree, Prefix extends string> = Tree extends true ? Exclude<V, undefined> : Checked<NonNullable<V>, Tree, Prefix>

export type CheckedOptions = Checked<UserRouterOptions, typeof OPTION_KEYS, ''>
