export { SqliteUserStore } from './sqlite-user-store.js'
export type { SqliteUserStoreOptions } from './options.js'
