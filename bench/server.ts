/**
 * The server child of `npm run bench` (forked by `bench/run.ts`, so the load generator never shares
 * its event loop). It serves two apps on loopback, on ports the system picks:
 *
 * - the router app: Express with `createUserRouter` mounted at the root, on PostgreSQL and Redis,
 *   default password settings (scrypt logN 15, one hash at once per core, at most libuv's pool less
 *   one) unless the bench says otherwise;
 * - the reference app: plain Express whose route `GET /reference/user/:id` does what an ideal
 *   authenticated read must do: one Redis GET of the session key, one primary-key SELECT of the row;
 *   `GET /reference/users?tier=n`, the first page of a tier and its count from a table where
 *   `tier` is a real indexed column (`lib/reference-lists.ts`); and `POST /reference/login` what an
 *   ideal login does (`lib/reference-login.ts`).
 *
 * It measures its own event-loop delay and reports its memory on request (messages `loop-reset`,
 * `loop-read`, `memory-read`), and exits
 * on `shutdown`, when the bench process goes away (IPC disconnect), or after `maxLifetimeMs`.
 */
import express from 'express'
import { Redis } from 'ioredis'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pg from 'pg'
import { PostgresUserStore } from '../adapters/postgres/index.js'
import { tableNames } from '../adapters/postgres/options.js'
import { SELECT_LIST } from '../adapters/postgres/rows.js'
import { createUserRouter } from '../src/index.js'
import { SERVER_CONFIG_ENV, type FromServer, type LoopDelay, type ServerConfig, type ToServer } from './lib/config.js'
import { PROFILE_FIELDS, storeOptions } from './lib/custom-fields.js'
import { referenceListRoute } from './lib/reference-lists.js'
import { referenceLogin } from './lib/reference-login.js'

const LOOP_RESOLUTION_MS = 10

function send(message: FromServer): void {
  process.send?.(message)
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1')
    server.once('listening', () => resolve(server))
    server.once('error', reject)
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

async function main(): Promise<void> {
  const raw = process.env[SERVER_CONFIG_ENV]
  if (!raw || !process.send) throw new Error(`bench/server is started by bench/run (fork, with ${SERVER_CONFIG_ENV} set), not by hand`)
  const config = JSON.parse(raw) as ServerConfig
  setTimeout(() => {
    console.error(`bench server: still running after ${config.maxLifetimeMs} ms: exiting`)
    process.exit(3)
  }, config.maxLifetimeMs).unref()

  let shuttingDown = false
  // The router app, as an application would mount it. Logins still hashing when the bench stops
  // fail against the closed Redis during shutdown: that is expected, and not logged.
  const store = new PostgresUserStore(storeOptions(config.databaseUrl, config.schema, config.indexedFields))
  const router = createUserRouter({
    storage: store,
    profileFields: PROFILE_FIELDS,
    redis: config.redisUrl,
    keyPrefix: config.keyPrefix,
    clients: [config.clientId],
    logger: {
      warn: (message) => {
        if (!shuttingDown) console.warn(message)
      },
      error: (message, error) => {
        if (!shuttingDown) console.error(message, error)
      },
    },
    password: {
      ...(config.scryptLogN === undefined ? {} : { scrypt: { logN: config.scryptLogN } }),
      ...(config.maxConcurrentHashes === undefined ? {} : { maxConcurrentHashes: config.maxConcurrentHashes }),
    },
    // Codes go nowhere (a sender that only accepts), and one IP, like all phones in an hour, may ask
    // for as many as the bench sends.
    sms: { send: async () => {} },
    smsCodes: { maxPerIpPerHour: config.smsPerIpPerHour, maxPerHour: config.smsPerIpPerHour },
    // The bench registers thousands of users from one address.
    rateLimits: { registrationsPerIpPerHour: false },
  })
  const routerApp = express()
  routerApp.set('etag', false)
  routerApp.use(router)

  // The reference app: the least an authenticated read, a tier's list and a login can do on the same data.
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10, application_name: 'bench-reference' })
  pool.on('error', () => {})
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  const selectUser = `SELECT ${SELECT_LIST} FROM ${tableNames(config.schema, 'user_router_users').qualified} WHERE id = $1::bigint`
  const referenceApp = express()
  referenceApp.set('etag', false)
  referenceApp.get('/reference/user/:id', (req, res, next) => {
    const match = /^(?:Hydrogen-r1|Bearer)\s+(\S+)$/i.exec(req.get('authorization') ?? '')
    if (!match) return void res.status(401).json({ code: 'unauthenticated' })
    const tokenHash = createHash('sha256').update(match[1]!).digest('hex')
    redis
      .get(`${config.keyPrefix}session:${tokenHash}`)
      .then(async (session) => {
        if (session === null) return void res.status(401).json({ code: 'unauthenticated' })
        const { rows } = await pool.query(selectUser, [req.params.id])
        if (rows.length === 0) return void res.status(404).json({ code: 'user_not_found' })
        const { password_hash: _secret, ...user } = rows[0] as Record<string, unknown>
        res.json(user)
      })
      .catch(next)
  })
  referenceApp.get('/reference/users', referenceListRoute(pool, redis, config.schema, config.keyPrefix))
  const login = await referenceLogin({ pool, redis, schema: config.schema, keyPrefix: config.keyPrefix })
  referenceApp.post('/reference/login', express.json(), login.handler)
  // Logins whose clients are gone still hash: the bench waits for them before its next scenario.
  referenceApp.get('/reference/logins-in-flight', (_req, res) => void res.json({ count: login.inFlight() }))

  const routerServer = await listen(routerApp)
  const referenceServer = await listen(referenceApp)

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
  loop.enable()
  // The histogram holds the time between timer runs; what exceeds the resolution is the delay.
  const delayMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)
  const readLoop = (): LoopDelay => ({
    p50: delayMs(loop.percentile(50)),
    p99: delayMs(loop.percentile(99)),
    max: delayMs(loop.max),
    samples: loop.count,
    cpuMicros: cpuSince(cpuAtReset),
  })
  let cpuAtReset = process.cpuUsage()
  const cpuSince = (start: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(start)
    return used.user + used.system
  }

  const shutdown = async (code: number) => {
    if (shuttingDown) return
    shuttingDown = true
    const force = setTimeout(() => process.exit(code), 5000)
    force.unref()
    await Promise.allSettled([close(routerServer), close(referenceServer)])
    await Promise.allSettled([router.close(), store.close(), pool.end(), redis.quit()])
    process.exit(code)
  }
  process.on('message', (message: ToServer) => {
    if (message.type === 'loop-reset') {
      loop.reset()
      cpuAtReset = process.cpuUsage()
    } else if (message.type === 'loop-read') send({ type: 'loop', id: message.id, delay: readLoop() })
    else if (message.type === 'memory-read') {
      const { rss, heapUsed } = process.memoryUsage()
      send({ type: 'memory', id: message.id, memory: { rss, heapUsed } })
    } else if (message.type === 'shutdown') void shutdown(0)
  })
  // The bench process died or closed the channel: never outlive it.
  process.on('disconnect', () => void shutdown(0))

  send({
    type: 'ready',
    routerPort: (routerServer.address() as AddressInfo).port,
    referencePort: (referenceServer.address() as AddressInfo).port,
  })
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  console.error('bench server failed:', error)
  send({ type: 'fatal', message })
  setTimeout(() => process.exit(1), 100).unref()
})
