/**
 * Real Redis for tests: each test file uses its own random key prefix and deletes its keys at the
 * end, so files run in parallel on one server. Unreachable: fails the run when CI=true, otherwise
 * the suite is skipped with a message. Also starts throwaway `redis-server` processes, for tests
 * that kill Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort, unusable } from './local-servers.js'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Why Redis cannot be used, or null when it can. Throws under CI=true. */
export async function redisUnavailable(): Promise<string | null> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  let socketError: Error | undefined
  client.on('error', (error: Error) => {
    socketError = error
  })
  try {
    await client.connect()
    await client.ping()
    return null
  } catch (error) {
    // The socket's error (ECONNREFUSED...) says more than the "Connection is closed." that follows it.
    return unusable(`Redis not reachable at ${REDIS_URL} (${(socketError ?? (error as Error)).message})`)
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

/** Why no throwaway `redis-server` (and `redis-cli`) can be run, or null when they can. Throws under CI=true. */
export function redisServerMissing(): string | null {
  for (const program of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(program, ['--version'], { encoding: 'utf8' })
    if (probe.error || probe.status !== 0) return unusable(`${program} cannot be run (${probe.error?.message ?? probe.stderr})`)
  }
  return null
}

/** A `redis-server` child process without persistence, killable and restartable on the same port. */
export interface ThrowawayRedis {
  readonly url: string
  /** Kills the server with SIGKILL, as a crash would, and waits for it to exit. */
  kill(): Promise<void>
  /** Starts it again on the same port (empty) and waits until it accepts connections. */
  start(): Promise<void>
}

/** Starts `redis-server` on a free loopback port, with `extraArgs` (cluster mode, say). */
export async function startThrowawayRedis(extraArgs: string[] = []): Promise<ThrowawayRedis> {
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
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extraArgs]
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

/** A throwaway Redis Cluster of three masters without replicas, all slots assigned. */
export interface ThrowawayCluster {
  readonly nodes: { host: string; port: number }[]
  kill(): Promise<void>
}

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'eur-cluster-'))
  const servers: ThrowawayRedis[] = []
  const cluster: ThrowawayCluster = {
    nodes: [],
    async kill() {
      await Promise.all(servers.map((server) => server.kill()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    for (let i = 0; i < 3; i++) {
      servers.push(await startThrowawayRedis(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`), '--dir', dir]))
    }
    cluster.nodes.push(...servers.map((server) => ({ host: '127.0.0.1', port: Number(new URL(server.url).port) })))
    const addresses = cluster.nodes.map(({ host, port }) => `${host}:${port}`)
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' })
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`)
    // Every node must agree before a client is pointed at them.
    for (const { port } of cluster.nodes) {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true })
      for (let tries = 0; !/cluster_state:ok/.test(await client.cluster('INFO')); tries++) {
        if (tries > 100) throw new Error(`cluster not ok on port ${port}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      client.disconnect()
    }
    return cluster
  } catch (error) {
    await cluster.kill()
    throw error
  }
}
