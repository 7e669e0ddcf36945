export { RedisKeyValueStore } from './redis-key-value-store.js'
export type { RedisKeyValueStoreOptions } from './options.js'
