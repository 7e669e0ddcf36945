/**
 * Real Redis for tests: each test file uses its own random key prefix and deletes its keys at the
 * end, so files run in parallel on one server. Unreachable: fails the run when CI=true, otherwise
 * the suite is skipped with a message. Also starts throwaway `redis-server` processes, for tests
 * that kill Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Skips outside CI (returning the reason, after printing it), throws under CI=true. */
function unusable(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it`)
  console.warn(`${reason}: suite skipped`)
  return `${reason}: suite skipped`
}

/** Why Redis cannot be used, or null when it can. Throws under CI=true. */
export async function redisUnavailable(): Promise<string | null> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return null
  } catch (error) {
    return unusable(`Redis not reachable at ${REDIS_URL} (${(error as Error).message})`)
  } finally {
    client.disconnect()
  }
}

export interface RedisTestKeys {
  /** A client of the test file, for its own checks and as an "app's client". */
  readonly client: Redis
  /** `test:<label>:<random hex>:`, the prefix of every key of this file. */
  readonly prefix: string
  /** A new prefix under the file's one, for one store. */
  nextPrefix(): string
  /** Deletes every key under the file's prefix and closes the client. */
  cleanup(): Promise<void>
}

export function createRedisTestKeys(label: string): RedisTestKeys {
  const prefix = `test:${label.replace(/[^a-z0-9-]/gi, '-')}:${randomBytes(4).toString('hex')}:`
  const client = new Redis(REDIS_URL)
  let next = 0
  return {
    client,
    prefix,
    nextPrefix: () => `${prefix}${++next}:`,
    async cleanup() {
      await deleteKeysWithPrefix(client, prefix)
      await client.quit()
    },
  }
}

/** SCAN + UNLINK of every key starting with `prefix` (a prefix without glob characters). */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0'
  let deleted = 0
  do {
    const [nextCursor, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    cursor = nextCursor
    if (keys.length > 0) deleted += await client.unlink(...keys)
  } while (cursor !== '0')
  return deleted
}

/** Why no throwaway `redis-server` can be started, or null when it can. Throws under CI=true. */
export function redisServerMissing(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  return probe.error || probe.status !== 0 ? unusable(`redis-server cannot be run (${probe.error?.message ?? probe.stderr})`) : null
}

/** A free loopback port, as the OS hands them out. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** A `redis-server` child process without persistence, killable and restartable on the same port. */
export interface ThrowawayRedis {
  readonly url: string
  /** Kills the server with SIGKILL, as a crash would, and waits for it to exit. */
  kill(): Promise<void>
  /** Starts it again on the same port (empty) and waits until it accepts connections. */
  start(): Promise<void>
}

export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const server: ThrowawayRedis = {
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    },
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no']
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = started
      let output = ''
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${output}`)), 10_000)
        started.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (/Ready to accept connections/.test(output)) {
            clearTimeout(timer)
            resolve()
          }
        })
        started.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`redis-server exited with ${code}: ${output}`))
        })
      })
      // Keep draining its output so the child never blocks on a full pipe.
      started.stdout?.removeAllListeners('data').resume()
      started.stderr?.resume()
    },
  }
  await server.start()
  return server
}
