/**
 * The compiled example app (`dist/examples/server.js`) as a child process: a free loopback port, a
 * fresh temporary SQLite file, the local Redis under a key prefix of its own when it answers (otherwise REDIS_URL is left unset
 * and the app uses its in-process stand-in). `start` resolves once the app prints its URL.
 */
import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const READY_LINE = /express-user-router example on (http:\/\/\S+)/
const START_TIMEOUT_MS = 30_000

export interface ExampleApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  readonly redis: boolean
  /** Everything the app printed so far (stdout and stderr). */
  output(): string
  stop(): Promise<void>
}

/** A free TCP port on 127.0.0.1 (bound and released: the OS does not hand it out again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Whether a Redis server answers PING at the URL within a second. */
export function redisReachable(url = REDIS_URL): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/**
 * `extraEnv` is laid over the app's environment (`{ DEV_OUTBOX: '1' }`); a PORT there is the port
 * to use (one the caller must know first, such as a redirect URI's).
 */
export async function startExampleApp(serverScript: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ExampleApp> {
  if (!existsSync(serverScript)) throw new Error(`${serverScript} is missing: build first (npx tsc -p tsconfig.json)`)
  const dir = await mkdtemp(join(tmpdir(), 'eur-example-'))
  const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort()
  const redis = await redisReachable()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: join(dir, 'example.sqlite'),
    NODE_ENV: 'development',
    ...extraEnv,
  }
  // Its own key prefix: the app's sessions and rate-limit counters never meet another run's.
  const redisPrefix = `test:example:${randomBytes(4).toString('hex')}:`
  if (redis) Object.assign(env, { REDIS_URL, REDIS_PREFIX: redisPrefix })
  else delete env.REDIS_URL
  if (!redis) console.warn(`Redis not reachable at ${REDIS_URL}: the example app runs with its in-process stand-in`)

  // The Node flags of the test (such as the Express 4 resolve hook) apply to the app too.
  const child = spawn(process.execPath, [...process.execArgv, serverScript], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // Should the test process end abruptly, do not leave the app running.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))

  const stop = async () => {
    await kill(child, exited)
    await rm(dir, { recursive: true, force: true })
    if (redis) await deleteKeys(redisPrefix)
  }

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example app did not print its URL within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS)
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const match = READY_LINE.exec(output)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1].replace(/\/$/, ''))
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the example app exited (${signal ?? code}) before listening:\n${output}`))
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
    const expected = `http://127.0.0.1:${port}`
    if (url !== expected) throw new Error(`the example app printed ${url}, expected ${expected}`)
    return { url, redis, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** SIGTERM, then SIGKILL after 5 s. */
async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** Deletes the keys the app left under its prefix. */
async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  try {
    await client.connect()
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      for (const key of keys) await client.unlink(key)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
}
