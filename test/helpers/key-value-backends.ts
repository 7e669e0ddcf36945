/**
 * A key-value store for each test backend, for tests of services on the port itself: the in-process
 * store, or Redis under a fresh key prefix of the test file's own.
 */
import { after } from 'node:test'
import { MemoryKeyValueStore } from '../../adapters/memory/index.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import type { KeyValueStore } from '../../src/ports.js'
import { createRedisTestKeys, type RedisTestKeys } from './redis.js'
import type { Backend } from './test-app.js'

/** `store(backend)` gives a new, empty store; the file's Redis keys are deleted after its tests. */
export function keyValueBackends(label: string): { store(backend: Backend): KeyValueStore } {
  let redisKeys: RedisTestKeys | null = null
  after(async () => {
    await redisKeys?.cleanup()
  })
  return {
    store(backend) {
      if (backend !== 'real') return new MemoryKeyValueStore()
      redisKeys ??= createRedisTestKeys(label)
      // A generous deadline: these tests load Redis with storms of calls next to other test files,
      // and test what the calls leave behind; the deadline itself has tests of its own.
      return new RedisKeyValueStore({ client: redisKeys.client, keyPrefix: redisKeys.nextPrefix(), commandTimeoutMs: 15_000 })
    },
  }
}
