/**
 * Adapters given in the options are checked at creation against the ports they implement: a
 * missing method is named then, not found by the first request that needs it (a 500).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouterOptions } from '../../src/index.js'
import type { KeyValueStore, UserStore } from '../../src/ports.js'

const quiet = { warn() {}, error() {} }
const base = (): UserRouterOptions => ({ storage: new MemoryUserStore(), redis: new MemoryKeyValueStore(), clients: ['c1'], logger: quiet })

/** Every method of `source` (own and inherited) bound to it, except `drop`. */
function without<T extends object>(source: T, ...drop: string[]): T {
  const copy: Record<string, unknown> = {}
  for (let proto: object | null = source; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (source as Record<string, unknown>)[name]
      if (name !== 'constructor' && typeof value === 'function' && !(name in copy) && !drop.includes(name)) copy[name] = value.bind(source)
    }
  }
  return copy as T
}

describe('adapters checked against their ports at creation', () => {
  it('accepts a KeyValueStore with every method (the check itself lets a whole one through)', () => {
    const router = createUserRouter({ ...base(), redis: without(new MemoryKeyValueStore()) })
    void router.close()
  })

  it('refuses a KeyValueStore without putSecret and consumeSecret, naming both', () => {
    const redis = without(new MemoryKeyValueStore(), 'putSecret', 'consumeSecret') as KeyValueStore
    assert.throws(
      () => createUserRouter({ ...base(), redis }),
      (error: Error) => error instanceof TypeError && /options\.redis/.test(error.message) && /putSecret/.test(error.message) && /consumeSecret/.test(error.message),
    )
  })

  it('refuses a KeyValueStore without decrement, naming it', () => {
    const redis = without(new MemoryKeyValueStore(), 'decrement') as KeyValueStore
    assert.throws(() => createUserRouter({ ...base(), redis }), /options\.redis .*decrement/)
  })

  it('refuses a UserStore without a method, naming every missing one', () => {
    const storage = without(new MemoryUserStore(), 'listUsers', 'close') as UserStore
    assert.throws(() => createUserRouter({ ...base(), storage }), /options\.storage must implement listUsers, close/)
  })

  it('refuses a UserStore whose namespace is not a method', () => {
    const storage = Object.assign(without(new MemoryUserStore()), { namespace: 'users' }) as unknown as UserStore
    assert.throws(() => createUserRouter({ ...base(), storage }), /options\.storage.*namespace/)
  })

  it('refuses an SMS sender and a mailer without send, naming it', () => {
    assert.throws(() => createUserRouter({ ...base(), sms: {} as never }), /options\.sms must implement send/)
    assert.throws(() => createUserRouter({ ...base(), mailer: { deliver() {} } as never }), /options\.mailer must implement send/)
  })

  it('still refuses what is neither a client, a URL nor a store', () => {
    for (const redis of ['http://localhost', 42, null]) {
      assert.throws(() => createUserRouter({ ...base(), redis: redis as never }), /options\.redis must be an ioredis client, a redis:\/\/ URL, or a KeyValueStore/, String(redis))
    }
  })
})
