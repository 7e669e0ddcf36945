/**
 * The bench process's handle on its server child (`bench/server.ts`, forked): start and wait for
 * its ports, read its event-loop delay, stop it (killed if it does not exit in time).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SERVER_CONFIG_ENV, type FromServer, type LoopDelay, type MemoryUse, type ServerConfig, type ToServer } from './config.js'

const SERVER_SCRIPT = fileURLToPath(new URL('../server.js', import.meta.url))
const START_TIMEOUT_MS = 30_000
const READ_TIMEOUT_MS = 5_000
const STOP_TIMEOUT_MS = 8_000

export class ServerChild {
  private nextId = 1
  private exited = false
  private stopping = false

  private constructor(
    private readonly child: ChildProcess,
    readonly routerUrl: string,
    readonly referenceUrl: string,
  ) {
    child.once('exit', () => {
      this.exited = true
    })
  }

  /** Forks the server and resolves once both apps listen. `onUnexpectedExit` hears of a later crash. */
  static start(config: ServerConfig, onUnexpectedExit: (error: Error) => void): Promise<ServerChild> {
    const child = fork(SERVER_SCRIPT, [], {
      env: { ...process.env, NODE_ENV: 'production', [SERVER_CONFIG_ENV]: JSON.stringify(config) },
      // Node flags for the server only, e.g. BENCH_SERVER_EXEC_ARGV='--cpu-prof --cpu-prof-dir=/tmp/prof'.
      execArgv: (process.env.BENCH_SERVER_EXEC_ARGV ?? '').split(/\s+/).filter(Boolean),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    // Whatever happens to the bench process, the child goes with it.
    const killOnExit = () => child.kill('SIGKILL')
    process.once('exit', killOnExit)
    return new Promise((resolve, reject) => {
      let handle: ServerChild | undefined
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`the bench server did not start within ${START_TIMEOUT_MS / 1000} s`))
      }, START_TIMEOUT_MS)
      child.on('message', (message: FromServer) => {
        if (message.type === 'ready' && !handle) {
          clearTimeout(timer)
          handle = new ServerChild(child, `http://127.0.0.1:${message.routerPort}`, `http://127.0.0.1:${message.referencePort}`)
          resolve(handle)
        } else if (message.type === 'fatal') {
          clearTimeout(timer)
          reject(new Error(`the bench server failed to start: ${message.message}`))
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        process.removeListener('exit', killOnExit)
        const error = new Error(`the bench server exited unexpectedly (${signal ?? `code ${code}`})`)
        if (!handle) reject(error)
        else if (!handle.stopping) onUnexpectedExit(error)
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
  }

  private send(message: ToServer): void {
    if (!this.exited && this.child.connected) this.child.send(message)
  }

  /** Starts a new event-loop delay measurement in the child. */
  resetLoop(): void {
    this.send({ type: 'loop-reset' })
  }

  /** The child's event-loop delay since the last reset. */
  readLoop(): Promise<LoopDelay> {
    return this.ask('loop-read', (message) => (message.type === 'loop' ? message.delay : undefined))
  }

  /** The child's memory now. */
  readMemory(): Promise<MemoryUse> {
    return this.ask('memory-read', (message) => (message.type === 'memory' ? message.memory : undefined))
  }

  /** Sends a request and resolves with the answer `pick` finds among the child's messages of its id. */
  private ask<T>(type: 'loop-read' | 'memory-read', pick: (message: FromServer) => T | undefined): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage)
        reject(new Error(`the bench server did not answer ${type}`))
      }, READ_TIMEOUT_MS)
      const onMessage = (message: FromServer) => {
        const value = 'id' in message && message.id === id ? pick(message) : undefined
        if (value === undefined) return
        clearTimeout(timer)
        this.child.off('message', onMessage)
        resolve(value)
      }
      this.child.on('message', onMessage)
      this.send({ type, id })
    })
  }

  /** Asks the child to close its servers and connections; kills it if it has not exited in time. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.exited) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.send({ type: 'shutdown' })
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
}
