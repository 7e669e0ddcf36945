export { PostgresUserStore } from './postgres-user-store.js'
export type { PostgresUserStoreOptions } from './options.js'
