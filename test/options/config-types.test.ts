/**
 * The internal config holds every option, nested ones too, as given: a type-level check that stops
 * this file compiling when `RouterConfig` and `UserRouterOptions` drift apart. The known differences
 * are named here: `clients` is kept as a Set, `sessionSecret` as a list, and the config adds
 * `production` and the password sets built from `rejectCommon` and `rejectList`.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { OPTION_KEYS } from '../../src/options-keys.js'
import type { RouterConfig, UserRouterOptions } from '../../src/options.js'
import type { Equal } from '../helpers/type-equality.js'

type Tree = typeof OPTION_KEYS

/** The dotted paths of the options whose given value the config has no key for, or cannot hold. */
type NotHeld<O, C, T, Prefix extends string = ''> = {
  [K in keyof T & string]: K extends keyof O & keyof C
    ? T[K] extends true
      ? [Exclude<O[K], undefined>] extends [C[K]]
        ? never
        : `${Prefix}${K}`
      : NotHeld<NonNullable<O[K]>, NonNullable<C[K]>, T[K], `${Prefix}${K}.`>
    : `${Prefix}${K}`
}[keyof T & string]

/** The dotted paths of the config's keys that are no option. */
type ConfigOnly<C, T, Prefix extends string = ''> = {
  [K in keyof C & string]: K extends keyof T ? (T[K] extends true ? never : ConfigOnly<NonNullable<C[K]>, T[K], `${Prefix}${K}.`>) : `${Prefix}${K}`
}[keyof C & string]

const checks = {
  notHeld: true satisfies Equal<NotHeld<UserRouterOptions, RouterConfig, Tree>, 'clients' | 'sessionSecret'>,
  clients: true satisfies Equal<RouterConfig['clients'], ReadonlySet<UserRouterOptions['clients'][number]>>,
  sessionSecret: true satisfies Equal<RouterConfig['sessionSecret'], Extract<UserRouterOptions['sessionSecret'], unknown[]> | undefined>,
  configOnly: true satisfies Equal<ConfigOnly<RouterConfig, Tree>, 'production' | 'password.commonPasswords' | 'password.listedPasswords'>,
}

it('the config holds every option (checked when this file compiles)', () => {
  assert.deepEqual(Object.values(checks), [true, true, true, true])
})
