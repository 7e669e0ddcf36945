import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { describeUserStoreConformance } from '../../src/testing/index.js'

describeUserStoreConformance('SqliteUserStore (in memory)', async () => {
  const store = new SqliteUserStore()
  await store.migrate()
  return store
})
