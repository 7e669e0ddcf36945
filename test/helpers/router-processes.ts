/**
 * Server processes of the router (`router-process.ts`, forked) for tests of several instances and
 * of faults: each is a separate Node process with its own connections, as in a deployment. Killed
 * at the end of the test (`stopRouterProcesses`) whatever happened.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { UserRouterOptions } from '../../src/options.js'

export const ROUTER_PROCESS_ENV = 'ROUTER_PROCESS_CONFIG'
const SCRIPT = fileURLToPath(new URL('./router-process.js', import.meta.url))
const START_TIMEOUT_MS = 20_000

/** What a server process is given (JSON): the shared services, and options over the test defaults. */
export interface RouterProcessConfig {
  databaseUrl: string
  schema: string
  redis: { url: string } | { clusterNodes: { host: string; port: number }[] }
  /** Without it, the router derives its prefix from the user store (the default). */
  keyPrefix?: string
  /** Same in every instance: SMS codes are stored under keyed hashes of it. */
  secret: string
  clientId: string
  /** JSON-only options (throttle and SMS limits, say). */
  options?: Partial<Pick<UserRouterOptions, 'loginThrottle' | 'smsCodes' | 'tokenTtlSeconds'>>
}

export interface RouterProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Whether it is still running. */
  alive(): boolean
  /** What it printed (stdout and stderr). */
  output(): string
  /** Kills it (SIGKILL unless told) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
}

const running = new Set<ChildProcess>()

export async function startRouterProcess(config: RouterProcessConfig): Promise<RouterProcess> {
  const child = fork(SCRIPT, [], {
    env: { ...process.env, NODE_ENV: 'test', [ROUTER_PROCESS_ENV]: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  running.add(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.once('exit', () => running.delete(child))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server process did not start in time: ${output}`)), START_TIMEOUT_MS)
    child.once('message', (message: { type: string; port: number }) => {
      clearTimeout(timer)
      resolve(message.port)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the server process exited (${signal ?? code}) before listening: ${output}`))
    })
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL')
    throw error
  })
  const alive = () => child.exitCode === null && child.signalCode === null
  return {
    url: `http://127.0.0.1:${port}`,
    alive,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (!alive()) return
      const exited = once(child, 'exit')
      child.kill(signal)
      await exited
    },
  }
}

/** Kills every server process still running (an `after` hook). */
export async function stopRouterProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }),
  )
}
