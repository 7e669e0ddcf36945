/**
 * An Express app with `createUserRouter` mounted at its root, on one of two backends:
 * - `memory`: `MemoryUserStore` and no Redis (the router's in-process stand-in, whose warning is
 *   recorded by the test logger instead of printed);
 * - `real`: `PostgresUserStore` in a fresh schema and `RedisKeyValueStore` under a fresh key prefix
 *   on the local Redis (skipped outside CI when either is unreachable, failing under CI=true).
 *
 * Test files run every scenario on both:
 *
 *   const skip = await backendSkips()
 *   after(releaseTestResources)
 *   for (const backend of BACKENDS) describe(`... (${backend})`, { skip: skip[backend] }, () => {
 *     afterEach(closeTestApps)
 *     ...
 *   })
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Express } from 'express'
import supertest from 'supertest'
import { ConsoleMailer } from '../../adapters/console/index.js'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { PostgresUserStore } from '../../adapters/postgres/index.js'
import { SqliteUserStore } from '../../adapters/sqlite/index.js'
import { RedisKeyValueStore } from '../../adapters/redis/index.js'
import { createUserRouter, type UserRouter } from '../../src/create-user-router.js'
import { BUILTIN_FIELDS } from '../../src/model/fields.js'
import type { IdentifierKind } from '../../src/model/user.js'
import type { Logger, UserRouterOptions } from '../../src/options.js'
import type { KeyValueStore, UserStore } from '../../src/ports.js'
import { createTestSchema, postgresUnavailable, type TestSchema } from './postgres.js'
import { TestClock } from './test-clock.js'
import { createRedisTestKeys, redisUnavailable, type RedisTestKeys } from './redis.js'

export type Backend = 'memory' | 'sqlite' | 'real'
export const BACKENDS = ['memory', 'real'] as const satisfies readonly Backend[]
/** Every store: for suites of what each store must do itself (identities), SQLite too (in memory, with the router's in-process stand-in). */
export const EVERY_BACKEND = ['memory', 'sqlite', 'real'] as const satisfies readonly Backend[]

export const CLIENT_ID = 'test-client'
/** Headers of an anonymous client API request. */
export const CLIENT = { 'X-Hydrogen-Client-ID': CLIENT_ID } as const
/** A password that passes the default policy. */
export const PASSWORD = 'correct horse 1'

/** Where a kind of identifier registers and signs in. */
export const VERSION_FOR: Record<IdentifierKind, 'v2.0' | 'v2.1'> = { username: 'v2.0', email: 'v2.0', phone: 'v2.1' }

/** `{ memory: false, real: false | reason }`: the `skip` option of each backend's suite. */
export async function backendSkips(): Promise<Record<Backend, string | false>> {
  const reason = (await postgresUnavailable()) ?? (await redisUnavailable())
  return { memory: false, sqlite: false, real: reason ?? false }
}

export interface RecordingLogger extends Logger {
  readonly warnings: string[]
  readonly errors: { message: string; error: unknown }[]
  /** Resolves once `count` errors are logged (work the router finishes after answering); fails after `timeoutMs`. */
  waitForErrors(count: number, timeoutMs?: number): Promise<void>
}

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = []
  const errors: { message: string; error: unknown }[] = []
  const waiters: (() => void)[] = []
  return {
    warnings,
    errors,
    warn: (message) => void warnings.push(message),
    error: (message, error) => {
      errors.push({ message, error })
      for (const wake of waiters.splice(0)) wake()
    },
    async waitForErrors(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (errors.length < count) {
        const left = deadline - Date.now()
        assert.ok(left > 0, `expected ${count} logged errors, got ${errors.length}`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
    },
  }
}

export interface SignedUp {
  id: number
  token: string
  /** The whole 201 body. */
  body: Record<string, unknown>
}

export interface TestApp {
  readonly backend: Backend
  readonly app: Express
  /** supertest on the app's listening server (one server for every request of the test). */
  readonly request: ReturnType<typeof supertest>
  readonly router: UserRouter
  readonly store: UserStore
  /** The key-value store given to the router (real backend), or undefined (the router's own stand-in). */
  readonly kv: KeyValueStore | undefined
  /** The PostgreSQL schema of the store made here (real backend), for raw reads; undefined otherwise. */
  readonly postgres: TestSchema | undefined
  /** The Redis client and key prefix of `kv` (real backend), for SCANs; undefined otherwise. */
  readonly redisKeys: { readonly client: RedisTestKeys['client']; readonly prefix: string } | undefined
  readonly logger: RecordingLogger
  /** The router's clock (unless `options.now` was given): `clock.advance(seconds)` moves time. */
  readonly clock: TestClock
  /** Registers through the client API (asserting 201) and answers the token. */
  register(kind: IdentifierKind, identifier: string, password?: string): Promise<string>
  /** Registers through the client API (asserting 201) and answers id, token and body. */
  signUp(kind: IdentifierKind, identifier: string, password?: string): Promise<SignedUp>
  /** Signs in through the client API (asserting 201) and answers the new token. */
  login(kind: IdentifierKind, identifier: string, password?: string): Promise<string>
  /** Client id plus `Authorization: Hydrogen-r1 <token>`. */
  auth(token: string): Record<string, string>
  close(): Promise<void>
}

export interface TestAppOptions {
  backend: Backend
  /**
   * Merged over the defaults (`password` one level deep). A given `storage` or `redis` is used as
   * is and not closed by `close()`: that is how two routers share one store.
   */
  options?: Partial<UserRouterOptions>
  /** Names the PostgreSQL schema and Redis prefix (default `app`). */
  label?: string
}

const open = new Set<TestApp>()
let redisKeys: RedisTestKeys | null = null

export async function createTestApp({ backend, options = {}, label = 'app' }: TestAppOptions): Promise<TestApp> {
  const cleanups: (() => Promise<void>)[] = []
  let storage = options.storage
  let redis = options.redis
  let postgres: TestSchema | undefined
  let redisPrefix: string | undefined
  if (storage === undefined) {
    if (backend === 'memory') {
      storage = new MemoryUserStore()
    } else if (backend === 'sqlite') {
      const store = new SqliteUserStore({ filename: ':memory:' })
      cleanups.push(() => store.close())
      await store.migrate()
      storage = store
    } else {
      const schema: TestSchema = await createTestSchema(label)
      postgres = schema
      const store = new PostgresUserStore({ connectionString: schema.connectionString, schema: schema.schema })
      cleanups.push(
        () => store.close(),
        () => schema.drop(),
      )
      await store.migrate()
      storage = store
    }
  }
  if (redis === undefined && backend === 'real') {
    redisKeys ??= createRedisTestKeys(label)
    redisPrefix = redisKeys.nextPrefix()
    redis = new RedisKeyValueStore({ client: redisKeys.client, keyPrefix: redisPrefix })
  }
  const logger = (options.logger as RecordingLogger | undefined) ?? recordingLogger()
  const clock = new TestClock()
  const app = express()
  const server: Server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  cleanups.unshift(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const origin = `http://127.0.0.1:${port}`
  // A real mailer needs publicUrl: by default the test server's own address, as a deployment would give.
  const needsPublicUrl = options.mailer !== undefined && !(options.mailer instanceof ConsoleMailer) && !('publicUrl' in options)
  let router: UserRouter
  try {
    router = createUserRouter({
      clients: [CLIENT_ID],
      now: clock.now,
      ...(needsPublicUrl ? { publicUrl: origin } : {}),
      ...options,
      storage,
      ...(redis === undefined ? {} : { redis }),
      password: { ...options.password, scrypt: { logN: 4, ...options.password?.scrypt } },
      logger,
    })
  } catch (error) {
    for (const cleanup of cleanups) await cleanup()
    throw error
  }
  cleanups.splice(1, 0, () => router.close()) // after the server, before the store
  app.use(router)
  const request = supertest(origin)

  const auth = (token: string) => ({ ...CLIENT, Authorization: `Hydrogen-r1 ${token}` })
  const signUp = async (kind: IdentifierKind, identifier: string, password = PASSWORD): Promise<SignedUp> => {
    const res = await request
      .post(`/hserve/${VERSION_FOR[kind]}/register/${kind}/`)
      .set(CLIENT)
      .send({ [kind]: identifier, password })
    assert.equal(res.status, 201, `register ${kind} ${identifier}: ${res.status} ${JSON.stringify(res.body)}`)
    return { id: res.body.id as number, token: res.body.token as string, body: res.body as Record<string, unknown> }
  }
  let closed = false
  const testApp: TestApp = {
    backend,
    app,
    request,
    router,
    store: storage,
    kv: backend === 'real' && options.redis === undefined ? (redis as KeyValueStore) : undefined,
    postgres,
    redisKeys: redisKeys && redisPrefix !== undefined ? { client: redisKeys.client, prefix: redisPrefix } : undefined,
    logger,
    clock,
    signUp,
    register: async (kind, identifier, password) => (await signUp(kind, identifier, password)).token,
    async login(kind, identifier, password = PASSWORD) {
      const res = await request
        .post(`/hserve/${VERSION_FOR[kind]}/login/${kind}/`)
        .set(CLIENT)
        .send({ [kind]: identifier, password })
      assert.equal(res.status, 201, `login ${kind} ${identifier}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body.token as string
    },
    auth,
    async close() {
      if (closed) return
      closed = true
      open.delete(testApp)
      for (const cleanup of cleanups) await cleanup()
    },
  }
  open.add(testApp)
  return testApp
}

/** Closes every app still open (an `afterEach` hook). */
export async function closeTestApps(): Promise<void> {
  await Promise.all([...open].map((testApp) => testApp.close()))
}

/** Closes the apps and deletes this file's Redis keys (an `after` hook). */
export async function releaseTestResources(): Promise<void> {
  await closeTestApps()
  await redisKeys?.cleanup()
  redisKeys = null
}

/** How many users the store holds. */
export async function countUsers(store: UserStore): Promise<number> {
  const id = BUILTIN_FIELDS.find((field) => field.name === 'id')!
  const page = await store.listUsers({ filter: null, order: [{ field: id, descending: false }], limit: 1, offset: 0, count: true })
  return page.totalCount!
}

/** Asserts a client API error: status, `code`, and (optionally) a `details` entry naming `field`. */
export function assertError(res: { status: number; body: unknown }, status: number, code: string, field?: string | RegExp): void {
  const body = res.body as { error_msg?: unknown; code?: unknown; details?: { field: string }[] }
  assert.equal(res.status, status, JSON.stringify(body))
  assert.equal(body.code, code, JSON.stringify(body))
  assert.equal(typeof body.error_msg, 'string')
  if (field !== undefined) {
    const named = body.details?.map((d) => d.field) ?? []
    assert.ok(
      named.some((f) => (typeof field === 'string' ? f === field : field.test(f))),
      `expected details naming ${String(field)}, got ${JSON.stringify(body)}`,
    )
  }
}
