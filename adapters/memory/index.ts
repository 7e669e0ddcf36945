export { MemoryUserStore, type MemoryUserStoreOptions } from './memory-user-store.js'
export { MemoryKeyValueStore, type MemoryKeyValueStoreOptions } from './memory-key-value-store.js'
