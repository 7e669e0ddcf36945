/**
 * The method lists the option checks use are the ports' methods, checked by the compiler: adding
 * a method to a port in `src/ports.ts` without adding it to its list fails the build.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  KEY_VALUE_STORE_METHODS,
  MAILER_METHODS,
  REDIRECT_IDENTITY_PROVIDER_METHODS,
  SMS_SENDER_METHODS,
  USER_STORE_METHODS,
  USER_STORE_OPTIONAL_METHODS,
  WECHAT_MINI_PROGRAM_METHODS,
} from '../src/port-methods.js'
import type { KeyValueStore, Mailer, RedirectIdentityProvider, SmsSender, UserStore, WechatMiniProgram } from '../src/ports.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T]
type RequiredKeys<T> = Exclude<keyof T, OptionalKeys<T>>
type Items<L extends readonly unknown[]> = L[number]

// Each line is a compile-time check: `true` is only assignable when the two sets of names are equal.
const userStoreRequired: Equal<Items<typeof USER_STORE_METHODS>, RequiredKeys<UserStore>> = true
const userStoreOptional: Equal<Items<typeof USER_STORE_OPTIONAL_METHODS>, OptionalKeys<UserStore>> = true
const keyValueStore: Equal<Items<typeof KEY_VALUE_STORE_METHODS>, keyof KeyValueStore> = true
const smsSender: Equal<Items<typeof SMS_SENDER_METHODS>, keyof SmsSender> = true
const mailer: Equal<Items<typeof MAILER_METHODS>, keyof Mailer> = true
const identityProvider: Equal<Items<typeof REDIRECT_IDENTITY_PROVIDER_METHODS>, keyof RedirectIdentityProvider> = true
const wechatMiniProgram: Equal<Items<typeof WECHAT_MINI_PROGRAM_METHODS>, Exclude<keyof WechatMiniProgram, 'appId'>> = true

describe('port method lists', () => {
  it('equal the methods of their ports (a type-level check) and name each once', () => {
    assert.deepEqual([userStoreRequired, userStoreOptional, keyValueStore, smsSender, mailer, identityProvider, wechatMiniProgram], [true, true, true, true, true, true, true])
    for (const list of [
      USER_STORE_METHODS,
      USER_STORE_OPTIONAL_METHODS,
      KEY_VALUE_STORE_METHODS,
      SMS_SENDER_METHODS,
      MAILER_METHODS,
      REDIRECT_IDENTITY_PROVIDER_METHODS,
      WECHAT_MINI_PROGRAM_METHODS,
    ]) {
      assert.equal(new Set<string>(list).size, list.length)
    }
  })
})
