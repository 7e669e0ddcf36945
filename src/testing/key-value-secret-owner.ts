/**
 * The part of the `KeyValueStore` conformance suite about a secret's owner: only the owner's wrong
 * candidates can burn a secret; everyone else shares a separate budget of tries that, once used
 * up, stops their candidates from being compared at all.
 */
import assert from 'node:assert/strict'
import type { KeyValueStore } from '../ports.js'

type StoreTest = (title: string, body: (store: KeyValueStore) => Promise<void>) => unknown

/** Whole seconds left, `expected` or a little less (time passes). */
function assertTtlNear(actual: number | null, expected: number, message: string): void {
  assert.ok(actual !== null && actual <= expected && actual >= expected - 2, `${message}: expected about ${expected}, got ${actual}`)
}

export function describeSecretOwnerRules(test: StoreTest): void {
  test("never burns an owned secret on others' wrong candidates, and stops comparing theirs after maxFailures", async (store) => {
    await store.putSecret('code', 'right', 100, 'owner')
    for (let i = 1; i <= 5; i++) assert.equal(await store.consumeSecret('code', `wrong ${i}`, 5, `other ${i}`), 'mismatch', `other's wrong try ${i}`)
    assert.equal(await store.consumeSecret('code', 'right', 5, 'other 6'), 'locked', "others' tries are used up: not compared")
    assert.equal(await store.consumeSecret('code', 'wrong', 5), 'locked', 'no caller is someone else too')
    assertTtlNear(await store.ttl('code'), 100, 'TTL kept')
    assert.equal(await store.consumeSecret('code', 'right', 5, 'owner'), 'match', "the owner's right candidate")
    assert.equal(await store.consumeSecret('code', 'right', 5, 'owner'), 'absent', 'a matched secret must be used up: the next consumeSecret answers absent')
  })

  test("counts the owner's wrong candidates apart from others', and burns at the owner's maxFailures-th", async (store) => {
    await store.putSecret('code', 'right', 60, 'owner')
    for (let i = 1; i <= 4; i++)
      assert.equal(await store.consumeSecret('code', `other wrong ${i}`, 5, 'other'), 'mismatch', `another caller's wrong try ${i} (of 4, maxFailures 5) must answer mismatch`)
    for (let i = 1; i <= 4; i++) assert.equal(await store.consumeSecret('code', `owner wrong ${i}`, 5, 'owner'), 'mismatch', `owner's wrong try ${i}`)
    assert.equal(await store.consumeSecret('code', 'right', 5, 'other'), 'match', 'a right candidate from someone else, within their tries')
    await store.putSecret('code', 'right', 60, 'owner')
    for (let i = 1; i <= 4; i++)
      assert.equal(
        await store.consumeSecret('code', `owner wrong ${i}`, 5, 'owner'),
        'mismatch',
        `the owner's wrong try ${i} must answer mismatch: the owner's count is kept apart from others'`,
      )
    assert.equal(await store.consumeSecret('code', 'owner wrong 5', 5, 'owner'), 'burnt', "the owner's maxFailures-th wrong candidate must answer burnt")
    assert.equal(await store.consumeSecret('code', 'right', 5, 'owner'), 'absent', 'a burnt secret must be gone: consumeSecret answers absent')
  })

  test('treats every caller as the owner of a secret put without one, and replaces the owner and both counts on putSecret', async (store) => {
    await store.putSecret('code', 'right', 60)
    for (let i = 1; i <= 4; i++)
      assert.equal(
        await store.consumeSecret('code', 'wrong', 5, `caller ${i}`),
        'mismatch',
        `wrong try ${i} on a secret put without an owner must answer mismatch: every caller counts as the owner`,
      )
    assert.equal(
      await store.consumeSecret('code', 'wrong', 5, 'caller 5'),
      'burnt',
      'the maxFailures-th wrong candidate on a secret put without an owner must answer burnt, whoever sends it',
    )
    await store.putSecret('code', 'old', 60, 'first owner')
    for (let i = 1; i <= 5; i++) await store.consumeSecret('code', 'wrong', 5, 'second owner')
    assert.equal(
      await store.consumeSecret('code', 'old', 5, 'second owner'),
      'locked',
      "once others' tries are used up, even the right secret from another caller must answer locked",
    )
    await store.putSecret('code', 'new', 60, 'second owner')
    for (let i = 1; i <= 4; i++) assert.equal(await store.consumeSecret('code', 'wrong', 5, 'first owner'), 'mismatch', 'the count of others started over')
    assert.equal(
      await store.consumeSecret('code', 'new', 5, 'second owner'),
      'match',
      "the new owner's right candidate must answer match after putSecret replaced owner and counts",
    )
  })

  test("answers exactly maxFailures mismatches to 100 concurrent wrong candidates of others, then locked, and keeps the owner's secret", async (store) => {
    await store.putSecret('code', 'right', 60, 'owner')
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.consumeSecret('code', `wrong ${i}`, 5, `other ${i}`)))
    const count = (answer: string) => results.filter((r) => r === answer).length
    assert.deepEqual(
      [count('mismatch'), count('locked'), count('burnt')],
      [5, 95, 0],
      "100 concurrent wrong candidates of others with maxFailures 5 must answer [mismatch, locked, burnt] counts [5, 95, 0]: consumeSecret must be atomic and never burn on others' tries",
    )
    assert.equal(await store.consumeSecret('code', 'right', 5, 'owner'), 'match', "the owner's right candidate must still answer match after others' 100 wrong tries")
  })

  test('keeps owners with colons, slashes, digits and unicode apart from the secret', async (store) => {
    for (const [i, owner] of ['a:b', '0:0', '1/2/3:', '中文 😀', ''].entries()) {
      await store.putSecret(`s${i}`, `secret:${i}`, 60, owner)
      assert.equal(await store.consumeSecret(`s${i}`, `secret:${i}`, 1, `${owner}x`), 'match', `owner ${i}: another caller within its try`)
      await store.putSecret(`s${i}`, `secret:${i}`, 60, owner)
      assert.equal(await store.consumeSecret(`s${i}`, 'wrong', 1, owner), 'burnt', `owner ${i}: the owner's wrong try burns it`)
    }
  })
}
