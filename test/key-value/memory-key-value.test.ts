import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { MemoryKeyValueStore } from '../../adapters/memory/index.js'
import { describeKeyValueStoreConformance } from '../../src/testing/index.js'

describeKeyValueStoreConformance('MemoryKeyValueStore', () => new MemoryKeyValueStore())

describe('MemoryKeyValueStore on a clock the test moves', () => {
  it('expires a key the very millisecond its TTL ends, counting the TTL down in whole seconds rounded up', async () => {
    let now = 1_000_000
    const store = new MemoryKeyValueStore({ now: () => now })
    await store.set('k', 'v', 10)
    now += 9_001
    assert.deepEqual([await store.get('k'), await store.ttl('k')], ['v', 1])
    now += 998
    assert.deepEqual([await store.get('k'), await store.ttl('k')], ['v', 1])
    now += 1
    assert.deepEqual([await store.get('k'), await store.ttl('k')], [null, null])
    await store.close()
  })

  it('resets a counter when the window that began at its first increment ends', async () => {
    let now = 0
    const store = new MemoryKeyValueStore({ now: () => now })
    assert.equal(await store.increment('c', 10), 1)
    now += 9_999
    assert.equal(await store.increment('c', 10), 2)
    now += 1
    assert.equal(await store.increment('c', 10), 1)
    await store.close()
  })

  it('drops expired entries nobody reads again in its periodic sweep', async () => {
    let now = 0
    const store = new MemoryKeyValueStore({ now: () => now, sweepIntervalMs: 5 })
    for (let i = 0; i < 1000; i++) {
      await store.set(`value ${i}`, 'v', 1)
      await store.increment(`counter ${i}`, 1)
      await store.addToSet(`set ${i}`, 'm', 1)
    }
    await store.set('kept', 'v', 60)
    assert.equal(store.size, 3001)
    now += 1_000
    await sleep(50)
    assert.equal(store.size, 1)
    assert.equal(await store.get('kept'), 'v')
    await store.close()
  })

  it('refuses a command on a key of the other kind, as Redis does', async () => {
    const store = new MemoryKeyValueStore()
    await store.set('text', 'v', 60)
    await store.addToSet('set', 'm', 60)
    await assert.rejects(store.addToSet('text', 'm', 60), /WRONGTYPE/)
    await assert.rejects(store.get('set'), /WRONGTYPE/)
    await assert.rejects(store.increment('set', 60), /WRONGTYPE/)
    await store.set('word', 'abc', 60)
    await assert.rejects(store.increment('word', 60), /not an integer/)
    await store.close()
  })
})
