/**
 * No silent switches on NODE_ENV: at creation each router logs, once, every development default it
 * applies (console SMS sender and mailer, links from the request's host, the in-process stand-in
 * for Redis, a random admin session secret) and, in production, every family of routes it leaves
 * off for lack of an adapter. NODE_ENV is read in one place, the option parsing.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { MemoryKeyValueStore, MemoryUserStore } from '../../adapters/memory/index.js'
import { createUserRouter, type UserRouterOptions } from '../../src/index.js'
import { recordingLogger, type RecordingLogger } from '../helpers/test-app.js'

const quietSms = { send: async () => {} }
const quietMailer = { send: async () => {} }

function create(options: Partial<UserRouterOptions> = {}): RecordingLogger {
  const logger = recordingLogger()
  const router = createUserRouter({ storage: new MemoryUserStore(), clients: ['c1'], password: { scrypt: { logN: 4 } }, logger, ...options })
  void router.close()
  return logger
}

function inProduction<T>(run: () => T): T {
  const previous = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    return run()
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = previous
  }
}

/** The warnings matching `pattern`. */
const matching = (logger: RecordingLogger, pattern: RegExp) => logger.warnings.filter((w) => pattern.test(w))

describe('development defaults', () => {
  it('warns about the in-process stand-in for Redis once per router, for a second router too', () => {
    const first = create()
    const second = create()
    assert.equal(matching(first, /no options\.redis given/).length, 1, JSON.stringify(first.warnings))
    assert.equal(matching(second, /no options\.redis given/).length, 1, JSON.stringify(second.warnings))
  })

  it('warns once each about the console SMS sender, the console mailer and links from the request host', () => {
    const logger = create({ redis: new MemoryKeyValueStore() })
    assert.equal(matching(logger, /options\.sms.*console/i).length, 1, JSON.stringify(logger.warnings))
    assert.equal(matching(logger, /options\.mailer.*console/i).length, 1, JSON.stringify(logger.warnings))
    assert.equal(matching(logger, /options\.publicUrl.*Host header/).length, 1, JSON.stringify(logger.warnings))
    assert.equal(matching(logger, /options\.redis/).length, 0, 'Redis was given')
  })

  it('warns about nothing it did not apply', () => {
    const logger = create({ redis: new MemoryKeyValueStore(), sms: quietSms, mailer: quietMailer, publicUrl: 'https://api.example.com' })
    assert.deepEqual(logger.warnings, [])
  })

  it('warns about a random admin session secret', () => {
    const logger = create({ redis: new MemoryKeyValueStore(), admin: { authorize: () => true } })
    assert.equal(matching(logger, /options\.sessionSecret/).length, 1, JSON.stringify(logger.warnings))
  })
})

describe('in production', () => {
  it('warns once each about the SMS and e-mail routes it leaves off without sms and mailer', () => {
    const logger = inProduction(() => create({ redis: new MemoryKeyValueStore() }))
    assert.equal(matching(logger, /options\.sms.*SMS .*routes are not served/).length, 1, JSON.stringify(logger.warnings))
    assert.equal(matching(logger, /options\.mailer.*e-mail .*routes are not served/).length, 1, JSON.stringify(logger.warnings))
    assert.equal(matching(logger, /console/i).length, 0, 'no console adapter in production')
  })

  it('warns about nothing when every adapter is given', () => {
    const logger = inProduction(() => create({ redis: new MemoryKeyValueStore(), sms: quietSms, mailer: quietMailer, publicUrl: 'https://api.example.com' }))
    assert.deepEqual(logger.warnings, [])
  })
})

describe('NODE_ENV', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = join(dir, name)
      return statSync(join(root, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
    })

  it('is read in the option parsing only (src/options.ts), never elsewhere in the router', () => {
    const files = sources('src')
    assert.ok(files.includes('src/options.ts'), `sources found under ${root}`)
    const readers = files.filter((file) => /process\.env/.test(readFileSync(join(root, file), 'utf8')))
    assert.deepEqual(readers, ['src/options.ts'])
  })
})
