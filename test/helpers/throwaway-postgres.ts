/**
 * A throwaway PostgreSQL cluster for tests that stop and restart the database: `initdb` in a temp
 * directory, `pg_ctl` on a free loopback port, trust authentication. Never the shared server on
 * 5432, which other test files use in parallel. PostgreSQL refuses to run as root, so when the
 * tests run as root its programs run as the `postgres` OS user (which then owns the directory).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, unusable } from './local-servers.js'

const POSTGRES_USER = 'postgres'

/** The newest installed server's bin directory (Debian layout), or the one `pg_config` names. */
function binDirectory(): string | null {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return join(root, versions[0], 'bin')
  }
  const probe = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  const dir = probe.status === 0 ? probe.stdout.trim() : ''
  return dir && existsSync(join(dir, 'initdb')) ? dir : null
}

const asRoot = process.getuid?.() === 0

/**
 * Runs a PostgreSQL program, as the `postgres` user when we are root. Asynchronously: the test's
 * own traffic must keep flowing while the server stops and starts.
 */
async function run(program: string, args: string[]): Promise<string> {
  const [command, argv] = asRoot ? ['runuser', ['-u', POSTGRES_USER, '--', program, ...args]] : [program, args]
  try {
    // From a directory anyone may enter: the postgres user may not read the test's own (/root/...).
    return (await promisify(execFile)(command, argv, { encoding: 'utf8', timeout: 60_000, cwd: tmpdir() })).stdout
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`${program} ${args.join(' ')} failed: ${stdout ?? ''}${stderr ?? ''}`, { cause: error })
  }
}

/** Why no throwaway PostgreSQL can be run, or null when it can. Throws under CI=true. */
export function postgresServerMissing(): string | null {
  const bin = binDirectory()
  if (!bin) return unusable('initdb/pg_ctl not found (install the PostgreSQL server)')
  if (asRoot && spawnSync('id', ['-u', POSTGRES_USER]).status !== 0) {
    return unusable(`running as root, but there is no "${POSTGRES_USER}" OS user to run a throwaway PostgreSQL as`)
  }
  return null
}

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string
  /** Stops the server: `fast` (a clean shutdown) or `immediate` (as a crash would). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  /** Starts it again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>
  /** Stops it if running and removes its directory. */
  destroy(): Promise<void>
}

/** Creates and starts a cluster; takes a few seconds (initdb). */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDirectory()
  if (!bin) throw new Error('initdb not found')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'eur-pg-'))
  const data = join(dir, 'data')
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8' }))
    chownSync(dir, uid, gid)
  }
  let running = false
  const pgCtl = (...args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, ...args])
  const server: ThrowawayPostgres = {
    url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`,
    async stop(mode = 'fast') {
      if (!running) return
      await pgCtl('stop', '-m', mode, '-w', '-t', '30')
      running = false
    },
    async start() {
      // No durability needed: fsync off keeps restarts quick. The socket lives in the temp directory.
      const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
      await pgCtl('start', '-w', '-t', '30', '-l', join(dir, 'server.log'), '-o', settings)
      running = true
    },
    async destroy() {
      try {
        await server.stop('immediate')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', POSTGRES_USER, '-A', 'trust', '--no-sync', '-E', 'UTF8'])
    await server.start()
    return server
  } catch (error) {
    await server.destroy()
    throw error
  }
}
