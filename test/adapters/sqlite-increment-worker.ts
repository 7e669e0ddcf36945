/**
 * Child process of sqlite-user-store.test.ts: opens its own SqliteUserStore on a shared file, says
 * "ready", waits for "go", then increments `score` of one user `count` times and says "done".
 * Usage (through child_process.fork): sqlite-increment-worker.js <filename> <user id> <count>
 */
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { createUserSchema } from '../../src/model/schema.js'
import { parseProfileUpdate } from '../../src/query/parse-update.js'

const [filename, id, count] = process.argv.slice(2)
const store = new SqliteUserStore({ filename: filename! })
const operations = parseProfileUpdate({ score: { $incr_by: 1 } }, createUserSchema({ score: 'integer' }))

process.once('message', async () => {
  for (let i = 0; i < Number(count); i++) await store.updateUser(Number(id), { operations, updatedAt: i })
  await store.close()
  process.send!('done', () => process.disconnect())
})
process.send!('ready')
