/**
 * The exported conformance suite for `KeyValueStore` implementations: every rule of the port, TTLs
 * and atomicity included (one-time secrets too). It takes about two seconds (one test waits for 1-second TTLs to expire).
 *
 * ```ts
 * import { describeKeyValueStoreConformance } from 'express-user-router/testing'
 * describeKeyValueStoreConformance('MyStore', () => new MyStore({ keyPrefix: `test:${randomUUID()}:` }))
 * ```
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { isUserRouterError } from '../errors.js'
import type { KeyValueStore } from '../ports.js'
import { describeSecretOwnerRules } from './key-value-secret-owner.js'
import { storeSuite, type ConformanceRunner } from './runner.js'

export interface KeyValueConformanceOptions {
  /** node:test's `describe` and `it` by default, or jest's / vitest's. */
  runner?: ConformanceRunner
}

/** Returns a fresh store that sees no key yet (a new prefix, say) for each test; the suite closes it. */
export type KeyValueStoreFactory = () => KeyValueStore | Promise<KeyValueStore>

/** A TTL just read, in whole seconds: `expected` or a little less (time passes). */
function assertTtl(actual: number | null, expected: number, message?: string): void {
  assert.ok(actual !== null && Number.isInteger(actual) && actual <= expected && actual >= expected - 2, `${message ?? 'TTL'}: expected about ${expected}, got ${actual}`)
}

const sorted = (values: string[]) => [...values].sort()

export function describeKeyValueStoreConformance(name: string, factory: KeyValueStoreFactory, options: KeyValueConformanceOptions = {}): void {
  const { describe, test } = storeSuite(options.runner, factory)

  describe(`KeyValueStore conformance: ${name}`, () => {
    test('returns null for a key never set, and the latest value of a key set', async (store) => {
      assert.equal(await store.get('absent'), null, 'get of a key never set must answer null')
      await store.set('k', 'first', 60)
      await store.set('k', 'second', 60)
      await store.set('empty', '', 60)
      assert.equal(await store.get('k'), 'second', 'get must answer the value of the latest set')
      assert.equal(await store.get('empty'), '', 'an empty string is a value, not an absence')
    })

    test('reports TTLs in whole seconds, and null for an absent key', async (store) => {
      assert.equal(await store.ttl('absent'), null, 'ttl of an absent key must answer null')
      await store.set('k', 'v', 60)
      assertTtl(await store.ttl('k'), 60, 'ttl of a key set for 60 s must answer its whole seconds left')
    })

    test('replaces the TTL on every set, whether shorter or longer', async (store) => {
      await store.set('k', 'v', 100)
      await store.set('k', 'v', 5)
      assertTtl(await store.ttl('k'), 5, 'shortened')
      await store.set('k', 'v', 50)
      assertTtl(await store.ttl('k'), 50, 'lengthened')
    })

    test('expires values, counters and sets after their TTL, and lets them start over', async (store) => {
      await store.set('value', 'v', 1)
      await store.set('shortened', 'v', 100)
      await store.set('shortened', 'v', 1)
      await store.set('lengthened', 'v', 1)
      await store.set('lengthened', 'v', 100)
      await store.setIfAbsent('claimed', 'v', 1)
      await store.increment('counter', 1)
      assert.equal(await store.increment('counter', 1), 2, 'the second increment in a window must answer 2')
      await store.addToSet('set', 'm', 1)
      await store.addToSet('raised', 'm', 1)
      await store.addToSet('raised', 'n', 100)
      await store.putSecret('secret', 's', 1)
      await store.putSecret('tried secret', 's', 1)
      assert.equal(await store.consumeSecret('tried secret', 'wrong', 5), 'mismatch', 'a first wrong candidate must answer mismatch')
      await sleep(1200)
      assert.deepEqual(
        [await store.get('value'), await store.get('shortened'), await store.get('lengthened'), await store.ttl('value')],
        [null, null, 'v', null],
        'after their TTL, values (shortened TTL included) must be gone and their ttl null; a lengthened TTL keeps the value',
      )
      assert.deepEqual(await store.setMembers('set'), [], 'a set must be gone after its TTL')
      assert.deepEqual(sorted(await store.setMembers('raised')), ['m', 'n'], 'a set whose TTL a later addToSet raised must keep every member')
      assert.equal(await store.getAndDelete('value'), null, 'getAndDelete of an expired key must answer null')
      assert.equal(await store.delete(['value', 'set', 'counter']), 0, 'delete must count no expired key')
      assert.equal(await store.setIfAbsent('claimed', 'w', 60), true, 'setIfAbsent of an expired key must succeed')
      assert.equal(await store.get('claimed'), 'w', 'setIfAbsent of an expired key must store the new value')
      assert.equal(await store.increment('counter', 60), 1, 'a new window starts at 1')
      assert.deepEqual(
        [await store.consumeSecret('secret', 's', 5), await store.consumeSecret('tried secret', 's', 5)],
        ['absent', 'absent'],
        'consumeSecret of an expired secret must answer absent',
      )
    })

    test('sets a value only when the key is absent, leaving a present one and its TTL alone', async (store) => {
      assert.equal(await store.setIfAbsent('k', 'first', 100), true, 'setIfAbsent of an absent key must answer true')
      assert.equal(await store.setIfAbsent('k', 'second', 5), false, 'setIfAbsent of a present key must answer false')
      assert.equal(await store.get('k'), 'first', 'setIfAbsent must leave a present value alone')
      assertTtl(await store.ttl('k'), 100, 'a refused setIfAbsent must leave the TTL alone')
      await store.delete(['k'])
      assert.equal(await store.setIfAbsent('k', 'third', 60), true, 'setIfAbsent of a deleted key must answer true')
      assert.equal(await store.get('k'), 'third', 'setIfAbsent of a deleted key must store the value')
    })

    test('gives the key to exactly one of 100 concurrent setIfAbsent callers', async (store) => {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.setIfAbsent('race', `v${i}`, 60)))
      const winners = results.flatMap((won, i) => (won ? [i] : []))
      assert.equal(winners.length, 1, 'exactly one of 100 concurrent setIfAbsent calls on one key must answer true: it must be atomic')
      assert.equal(await store.get('race'), `v${winners[0]}`, "the key must hold the winner's value")
    })

    test('reads and deletes a value in one step, and answers null for an absent key', async (store) => {
      await store.set('k', 'v', 60)
      assert.equal(await store.getAndDelete('k'), 'v', 'getAndDelete must answer the value')
      assert.equal(await store.get('k'), null, 'getAndDelete must delete the key')
      assert.equal(await store.getAndDelete('k'), null, 'getAndDelete of an absent key must answer null')
    })

    test('gives the value to exactly one of 100 concurrent getAndDelete callers', async (store) => {
      await store.set('code', '123456', 60)
      const results = await Promise.all(Array.from({ length: 100 }, () => store.getAndDelete('code')))
      assert.deepEqual(
        results.filter((r) => r !== null),
        ['123456'],
        'exactly one of 100 concurrent getAndDelete calls must get the value: it must be atomic',
      )
    })

    test('deletes values, counters and sets, and counts only the keys that existed', async (store) => {
      await store.set('value', 'v', 60)
      await store.increment('counter', 60)
      await store.addToSet('set', 'm', 60)
      assert.equal(await store.delete([]), 0, 'delete of no keys must answer 0')
      assert.equal(await store.delete(['value', 'absent', 'counter', 'set', 'also absent']), 3, 'delete must count only the keys that existed (a value, a counter, a set: 3)')
      assert.deepEqual([await store.get('value'), await store.get('counter'), await store.setMembers('set')], [null, null, []], 'delete must remove values, counters and sets')
      assert.equal(await store.delete(['value']), 0, 'delete of a key already deleted must count 0')
    })

    test('counts 1, 2, 3 in a window whose TTL starts at the first increment and is then kept', async (store) => {
      assert.equal(await store.increment('c', 100), 1, 'the first increment must answer 1')
      assertTtl(await store.ttl('c'), 100, 'window started')
      assert.equal(await store.increment('c', 5), 2, 'the second increment must answer 2')
      assertTtl(await store.ttl('c'), 100, 'window kept')
      assert.equal(await store.increment('c', 100), 3, 'the third increment must answer 3')
      assert.equal(await store.get('c'), '3', 'the counter reads as a decimal string')
    })

    test('returns each count from 1 to 200 exactly once to 200 concurrent increments', async (store) => {
      const counts = await Promise.all(Array.from({ length: 200 }, () => store.increment('hits', 60)))
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, i) => i + 1),
        '200 concurrent increments must answer each count from 1 to 200 exactly once: increment must be atomic',
      )
      assertTtl(await store.ttl('hits'), 60, 'window kept')
    })

    test('gives counts back one at a time keeping the TTL, dropping the counter at 0, never creating one', async (store) => {
      assert.equal(await store.decrement('absent'), 0, 'decrement of an absent counter must answer 0')
      assert.equal(await store.get('absent'), null, 'decrement of an absent counter must create no counter')
      for (let i = 0; i < 3; i++) await store.increment('c', 100)
      assert.equal(await store.decrement('c'), 2, 'decrement of a counter at 3 must answer 2')
      assertTtl(await store.ttl('c'), 100, 'window kept')
      assert.equal(await store.increment('c', 5), 3, 'counts on in the same window')
      assertTtl(await store.ttl('c'), 100, 'window still kept')
      assert.deepEqual([await store.decrement('c'), await store.decrement('c')], [2, 1], 'each decrement must give back one count')
      assert.equal(await store.decrement('c'), 0, 'decrement of a counter at 1 must answer 0')
      assert.deepEqual([await store.get('c'), await store.ttl('c')], [null, null], 'a counter given back to 0 must be gone (get and ttl null)')
      assert.equal(await store.decrement('c'), 0, 'decrement must never go below 0')
      assert.equal(await store.increment('c', 5), 1, 'the next increment starts a new window')
      assertTtl(await store.ttl('c'), 5, 'new window')
    })

    test('returns each count from 199 down to 0 once to 250 concurrent decrements of 200, and 0 to the rest', async (store) => {
      for (let i = 0; i < 200; i++) await store.increment('held', 60)
      const counts = await Promise.all(Array.from({ length: 250 }, () => store.decrement('held')))
      const expected = [...Array.from({ length: 51 }, () => 0), ...Array.from({ length: 199 }, (_, i) => i + 1)]
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        expected,
        '250 concurrent decrements of a counter at 200 must answer each count from 199 to 0 once and 0 to the other 50: decrement must be atomic and never go below 0',
      )
      assert.equal(await store.get('held'), null, 'a counter given back to 0 must be gone')
    })

    test('adds distinct members to a set and raises its TTL, never lowering it', async (store) => {
      assert.deepEqual(await store.setMembers('s'), [], 'setMembers of an absent set must answer []')
      await store.addToSet('s', 'a', 10)
      assertTtl(await store.ttl('s'), 10, 'first member')
      await store.addToSet('s', 'b', 100)
      assertTtl(await store.ttl('s'), 100, 'raised')
      await store.addToSet('s', 'a', 5)
      assertTtl(await store.ttl('s'), 100, 'not lowered')
      assert.deepEqual(sorted(await store.setMembers('s')), ['a', 'b'], 'a set must hold each member once')
    })

    test('removes members from a set, ignoring absent ones, and drops a set once empty', async (store) => {
      for (const member of ['a', 'b', 'c']) await store.addToSet('s', member, 60)
      await store.removeFromSet('s', ['a', 'not a member'])
      await store.removeFromSet('s', [])
      await store.removeFromSet('absent', ['x'])
      assert.deepEqual(sorted(await store.setMembers('s')), ['b', 'c'], 'removeFromSet must remove the members given and keep the others')
      await store.removeFromSet('s', ['b', 'c'])
      assert.deepEqual([await store.setMembers('s'), await store.ttl('s')], [[], null], 'a set whose last member is removed must be gone (ttl null)')
    })

    test('round-trips values and members with unicode, NUL, newlines, quotes and 100 kB', async (store) => {
      const values = ['中文 😀 é', 'a\u0000b\u0000', 'line\nbreak\r\n\ttab', `"double" 'single' \\ back`, '{"json":[1,null]}', 'x'.repeat(100_000)]
      for (const [i, value] of values.entries()) {
        await store.set(`v${i}`, value, 60)
        assert.equal(await store.get(`v${i}`), value, `get must answer unusual value ${i} exactly as set`)
        assert.equal(await store.getAndDelete(`v${i}`), value, `getAndDelete must answer unusual value ${i} exactly as set`)
        await store.addToSet('members', value, 60)
      }
      assert.deepEqual(sorted(await store.setMembers('members')), sorted(values), 'set members with unicode, NUL, newlines, quotes and 100 kB must read back exactly')
    })

    test('keeps keys with spaces, braces, colons, glob characters and unicode apart', async (store) => {
      const keys = ['plain', 'with space', '{tag}', '{tag}:x', 'a:b:c', ':', '*', 'a?[b]', 'ünï 😀', 'line\nbreak']
      for (const [i, key] of keys.entries()) await store.set(key, String(i), 60)
      for (const [i, key] of keys.entries()) assert.equal(await store.get(key), String(i), `get(${JSON.stringify(key)}) must answer its own value: keys must be kept apart exactly`)
      assert.equal(await store.delete(keys), keys.length, 'delete must count every one of the unusual keys')
      for (const key of keys) assert.equal(await store.get(key), null, `get(${JSON.stringify(key)}) must answer null after delete`)
    })

    test('answers match once for the right secret, then absent; absent for a secret never put', async (store) => {
      assert.equal(await store.consumeSecret('never', 'x', 5), 'absent', 'consumeSecret of a secret never put must answer absent')
      await store.putSecret('code', 'hash-1', 60)
      assertTtl(await store.ttl('code'), 60, 'putSecret must set the TTL')
      assert.equal(await store.consumeSecret('code', 'hash-1', 5), 'match', 'consumeSecret of the right secret must answer match')
      assert.equal(await store.consumeSecret('code', 'hash-1', 5), 'absent', 'a matched secret must be used up: the next consumeSecret answers absent')
      assert.equal(await store.ttl('code'), null, 'a matched secret must be deleted')
    })

    test('counts wrong candidates keeping the TTL, and burns the secret at the maxFailures-th', async (store) => {
      await store.putSecret('code', 'right', 100)
      for (let i = 1; i <= 4; i++) assert.equal(await store.consumeSecret('code', `wrong ${i}`, 5), 'mismatch', `wrong try ${i}`)
      assertTtl(await store.ttl('code'), 100, 'TTL kept by failures')
      assert.equal(await store.consumeSecret('code', 'wrong 5', 5), 'burnt', 'the maxFailures-th wrong candidate must answer burnt')
      assert.equal(await store.consumeSecret('code', 'right', 5), 'absent', 'the right secret after the burn')
      await store.putSecret('once', 'right', 60)
      assert.equal(await store.consumeSecret('once', 'wrong', 1), 'burnt', 'maxFailures 1 burns at the first failure')
    })

    test('replaces a secret, its failure count and its TTL on every putSecret', async (store) => {
      await store.putSecret('code', 'old', 100)
      for (let i = 0; i < 4; i++) assert.equal(await store.consumeSecret('code', 'wrong', 5), 'mismatch', 'a wrong candidate before maxFailures must answer mismatch')
      await store.putSecret('code', 'new', 30)
      assertTtl(await store.ttl('code'), 30, 'TTL replaced')
      assert.equal(await store.consumeSecret('code', 'old', 5), 'mismatch', 'the old secret no longer matches')
      for (let i = 0; i < 3; i++) assert.equal(await store.consumeSecret('code', 'wrong', 5), 'mismatch', 'the count started over')
      assert.equal(await store.consumeSecret('code', 'new', 5), 'match', 'the new secret must match after putSecret replaced the old one')
    })

    test('gives match to exactly one of 100 concurrent consumers with the right secret', async (store) => {
      await store.putSecret('code', 'right', 60)
      const results = await Promise.all(Array.from({ length: 100 }, () => store.consumeSecret('code', 'right', 5)))
      assert.deepEqual(
        [results.filter((r) => r === 'match').length, results.filter((r) => r === 'absent').length],
        [1, 99],
        '100 concurrent consumeSecret calls with the right secret must answer [match, absent] counts [1, 99]: it must be atomic',
      )
    })

    test('burns a secret exactly once under 100 concurrent wrong candidates', async (store) => {
      await store.putSecret('code', 'right', 60)
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.consumeSecret('code', `wrong ${i}`, 5)))
      const count = (answer: string) => results.filter((r) => r === answer).length
      assert.deepEqual(
        [count('mismatch'), count('burnt'), count('absent')],
        [4, 1, 95],
        '100 concurrent wrong candidates with maxFailures 5 must answer [mismatch, burnt, absent] counts [4, 1, 95]: consumeSecret must be atomic',
      )
    })

    test('keeps secrets with colons, unicode and 10 kB intact, and deletes them like any key', async (store) => {
      const secrets = ['a:b:c', ':', '0:0', '中文 😀', 'x'.repeat(10_000)]
      for (const [i, secret] of secrets.entries()) {
        await store.putSecret(`s${i}`, secret, 60)
        assert.equal(await store.consumeSecret(`s${i}`, `${secret}.`, 5), 'mismatch', `secret ${i}: a longer candidate`)
        assert.equal(await store.consumeSecret(`s${i}`, secret, 5), 'match', `secret ${i}`)
      }
      await store.putSecret('deleted', 's', 60)
      assert.equal(await store.delete(['deleted']), 1, 'delete must count a secret as one key')
      assert.equal(await store.consumeSecret('deleted', 's', 5), 'absent', 'consumeSecret of a deleted secret must answer absent')
    })

    describeSecretOwnerRules(test)

    test('rejects a TTL (whole seconds) or a maxFailures that is not a whole number of at least 1, changing nothing', async (store) => {
      const notUnavailable = (error: unknown) => error instanceof Error && !isUserRouterError(error, 'unavailable')
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.set('k', 'v', ttl), notUnavailable, `set ${ttl}`)
        await assert.rejects(store.setIfAbsent('k', 'v', ttl), notUnavailable, `setIfAbsent ${ttl}`)
        await assert.rejects(store.increment('c', ttl), notUnavailable, `increment ${ttl}`)
        await assert.rejects(store.addToSet('s', 'm', ttl), notUnavailable, `addToSet ${ttl}`)
        await assert.rejects(store.putSecret('p', 'v', ttl), notUnavailable, `putSecret ${ttl}`)
      }
      for (const maxFailures of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(store.consumeSecret('p', 'v', maxFailures), notUnavailable, `consumeSecret maxFailures ${maxFailures}`)
      }
      assert.equal(await store.ttl('p'), null, 'a refused putSecret must store nothing')
      assert.deepEqual([await store.get('k'), await store.get('c'), await store.setMembers('s')], [null, null, []], 'a call refused for its TTL must store nothing')
    })
  })
}
