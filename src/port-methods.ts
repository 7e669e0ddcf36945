/**
 * The methods of each port, as values: what the option checks demand of an adapter at creation.
 * `satisfies` keeps every name a method of its port; `test/port-methods.test.ts` checks at the
 * type level that each list holds every method, so the lists cannot drift from `ports.ts`.
 */
import type { KeyValueStore, Mailer, RedirectIdentityProvider, SmsSender, UserStore, WechatMiniProgram } from './ports.js'

export const USER_STORE_METHODS = [
  'createUser',
  'getUserById',
  'getUserByIdentifier',
  'listUsers',
  'updateUser',
  'createUserWithIdentity',
  'getUserByIdentity',
  'getUserByUnionId',
  'linkIdentity',
  'unlinkIdentity',
  'deleteUser',
  'close',
] as const satisfies readonly (keyof UserStore)[]

/** Methods a `UserStore` may leave out; when present they must be methods. */
export const USER_STORE_OPTIONAL_METHODS = ['namespace', 'indexedFields'] as const satisfies readonly (keyof UserStore)[]

export const KEY_VALUE_STORE_METHODS = [
  'get',
  'set',
  'setIfAbsent',
  'getAndDelete',
  'delete',
  'increment',
  'decrement',
  'ttl',
  'addToSet',
  'setMembers',
  'removeFromSet',
  'putSecret',
  'consumeSecret',
  'close',
] as const satisfies readonly (keyof KeyValueStore)[]

export const SMS_SENDER_METHODS = ['send'] as const satisfies readonly (keyof SmsSender)[]

export const MAILER_METHODS = ['send'] as const satisfies readonly (keyof Mailer)[]

export const REDIRECT_IDENTITY_PROVIDER_METHODS = ['authorizationUrl', 'complete'] as const satisfies readonly (keyof RedirectIdentityProvider)[]

export const WECHAT_MINI_PROGRAM_METHODS = ['codeToSession', 'phoneNumber', 'checkRawDataSignature', 'decryptUserData'] as const satisfies readonly (keyof WechatMiniProgram)[]

/** The names of `required` that `value` lacks as methods, and of `optional` that it has as non-methods. */
export function missingMethods(value: unknown, required: readonly string[], optional: readonly string[] = []): string[] {
  const object = (typeof value === 'object' || typeof value === 'function') && value !== null ? (value as Record<string, unknown>) : {}
  return [...required.filter((name) => typeof object[name] !== 'function'), ...optional.filter((name) => object[name] !== undefined && typeof object[name] !== 'function')]
}
