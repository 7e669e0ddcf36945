/**
 * Bounds how many costly queries of one kind (lists, `$regex` lists) of one store hold a connection
 * at once. A list's cost depends on its query: without a bound, a burst of slow ones takes every
 * connection of the pool and ordinary requests (lookups, sign-ins) time out waiting. Queries past
 * the bound wait here (holding no connection), first come first served, and past the waiting room
 * get `busy` (503 with `Retry-After`).
 */
import { UserRouterError } from '../../src/errors.js'

export class QueryGate {
  private active = 0
  private readonly waiting: (() => void)[] = []

  /**
   * @param limit queries that may hold a connection at once
   * @param maxWaiting queries that may wait for one of those places
   * @param busyMessage the public message of the `busy` error past that
   */
  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
    private readonly busyMessage: string,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++
    } else {
      if (this.waiting.length >= this.maxWaiting) throw new UserRouterError('busy', { message: this.busyMessage, retryAfter: 1 })
      // The place is handed over by the query that frees it, so `active` does not change.
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    try {
      return await work()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}
