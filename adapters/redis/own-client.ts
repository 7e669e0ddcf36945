/**
 * The client `RedisKeyValueStore` creates from a URL, tuned so that no call hangs or queues while
 * Redis is down and service resumes by itself when it is back.
 */
import { once } from 'node:events'
import { createRequire } from 'node:module'
import type { Redis } from 'ioredis'
import { RedisUnavailableError, withDeadline } from './errors.js'

/** Milliseconds before reconnect attempt `n`: 100 ms doubling up to a 1 s cap, forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 5), 1000)
}

/**
 * ioredis is an optional peer: loaded only here, when a URL is given, so an app passing its own
 * client or another `KeyValueStore` needs no ioredis of ours, and one without it learns what to install.
 */
function loadIoredis(): typeof import('ioredis') {
  try {
    return createRequire(import.meta.url)('ioredis') as typeof import('ioredis')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes("'ioredis'")) {
      throw new TypeError('express-user-router: a redis:// URL needs the ioredis package, which is not installed: npm install ioredis', { cause: error })
    }
    throw error
  }
}

export function createOwnClient(url: string, timeoutMs: number): Redis {
  const { Redis } = loadIoredis()
  return new Redis(url, {
    // Never queue a command while disconnected: `ConnectionGate` waits instead, within the deadline.
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails at once, and is never resent later.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // A silent (half-open) connection is dropped and reopened instead of timing out every call.
    socketTimeout: 2 * timeoutMs,
    retryStrategy: reconnectDelay,
  })
}

interface Waiter {
  resolve(): void
  reject(error: Error): void
}

/**
 * When the store's own client may take a command. While it connects (at start, or just after a
 * dropped connection) a call waits; once a reconnect attempt has failed too, Redis is known to be
 * down and calls fail at once, until the client is ready again. A short blip is thus invisible and a
 * real outage answers `unavailable` promptly.
 */
export class ConnectionGate {
  /** 'reconnecting' events since the last 'ready': the first follows the drop, the next a failed retry. */
  private reconnects = 0
  private lastError: unknown
  private readonly waiters = new Set<Waiter>()
  private closed = false

  constructor(private readonly client: Redis) {
    // Listening also keeps ioredis from printing "Unhandled error event" for every failed attempt.
    client.on('error', (error: unknown) => {
      this.lastError = error
    })
    client.on('ready', () => {
      this.reconnects = 0
      this.settle(null)
    })
    client.on('reconnecting', () => {
      if (++this.reconnects >= 2) this.settle(this.downError())
    })
    client.on('end', () => this.settle(new Error('Connection is closed.')))
  }

  /** Whether a command may be sent right now (the common case, checked without a promise). */
  isReady(): boolean {
    return !this.closed && this.client.status === 'ready'
  }

  /** Resolves when a command may be sent; rejects when Redis is known to be down or the store closed. */
  ready(): Promise<void> {
    const status = this.client.status
    if (this.closed || status === 'end') return Promise.reject(new Error('Connection is closed.'))
    if (status === 'ready') return Promise.resolve()
    if (this.reconnects >= 2) return Promise.reject(this.downError())
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject }))
  }

  /**
   * Closes the client: QUIT when connected (pending replies still arrive), within `timeoutMs`;
   * otherwise, or when QUIT takes too long, drops the connection and any reconnect timer.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.settle(new Error('Connection is closed.'))
    if (this.client.status === 'ready') {
      const ended = once(this.client, 'end')
      ended.catch(() => {})
      await withDeadline(
        this.client.quit().then(() => ended),
        timeoutMs,
        'QUIT',
      ).catch(() => {})
    }
    if (this.client.status !== 'end') this.client.disconnect()
  }

  private downError(): Error {
    return new RedisUnavailableError('Redis is unreachable; the client keeps reconnecting', { cause: this.lastError })
  }

  private settle(error: Error | null): void {
    for (const waiter of this.waiters) error ? waiter.reject(error) : waiter.resolve()
    this.waiters.clear()
  }
}
