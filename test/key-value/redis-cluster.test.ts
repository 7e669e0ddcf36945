/**
 * The store on a real (throwaway, three-master) Redis Cluster through an app's `Cluster` client:
 * every command and script must touch keys of one hash slot only.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Cluster } from 'ioredis'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { describeKeyValueStoreConformance } from '../../src/testing/index.js'
import { redisServerMissing, startThrowawayCluster, type ThrowawayCluster } from '../helpers/redis.js'

const skip = redisServerMissing()

describe('RedisKeyValueStore on Redis Cluster', { skip: skip ?? false }, () => {
  let cluster: ThrowawayCluster | undefined
  let client: Cluster | undefined
  let stores = 0
  const newStore = () => new RedisKeyValueStore({ client: client!, keyPrefix: `test:${++stores}:` })

  before(async () => {
    cluster = await startThrowawayCluster()
    client = new Cluster(cluster.nodes)
    await client.ping()
  })
  after(async () => {
    await client?.quit()
    await cluster?.kill()
  })

  describeKeyValueStoreConformance("RedisKeyValueStore on an app's Cluster client", newStore)

  it('deletes, in one call, keys that live in different hash slots on different nodes', async () => {
    const store = newStore()
    const keys = Array.from({ length: 30 }, (_, i) => `session:${i}`)
    for (const key of keys) await store.set(key, 'v', 60)
    const perNode = await Promise.all(client!.nodes('master').map((node) => node.dbsize()))
    assert.ok(perNode.filter((n) => n > 0).length > 1, `keys per node: ${perNode.join(', ')}`)
    assert.equal(await store.delete([...keys, 'absent']), keys.length)
    assert.deepEqual(
      await Promise.all(keys.map((key) => store.get(key))),
      keys.map(() => null),
    )
    await store.close()
  })
})
