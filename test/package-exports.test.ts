/** The published entry points resolve by package name, as an app would import them. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

describe('package exports', () => {
  it('exposes the main entry, every adapter and the testing suite', async () => {
    const expected: [string, string[]][] = [
      ['express-user-router', ['createUserRouter', 'UserRouterError', 'createUserSchema', 'parseListParams', 'parseProfileUpdate']],
      ['express-user-router/adapters/memory', ['MemoryUserStore', 'MemoryKeyValueStore']],
      ['express-user-router/adapters/redis', ['RedisKeyValueStore']],
      ['express-user-router/adapters/sqlite', ['SqliteUserStore']],
      ['express-user-router/adapters/postgres', ['PostgresUserStore']],
      ['express-user-router/adapters/smtp', ['SmtpMailer']],
      ['express-user-router/testing', ['describeUserStoreConformance', 'describeKeyValueStoreConformance']],
    ]
    for (const [specifier, names] of expected) {
      // A variable specifier: resolved by Node through package.json "exports", as an app would.
      const module = (await import(specifier)) as Record<string, unknown>
      for (const name of names) assert.equal(typeof module[name], 'function', `${specifier} exports ${name}`)
    }
  })
})
