/**
 * Bounds how many `$regex` list queries of one store hold a connection at once. A regex over many
 * rows can keep a connection busy up to its timeout; without a bound, a burst of them takes every
 * connection of the pool and ordinary requests time out waiting. Queries past the bound wait here
 * (holding no connection), first come first served, and past the waiting room get `busy`.
 */
import { UserRouterError } from '../../src/errors.js'

export class RegexGate {
  private active = 0
  private readonly waiting: (() => void)[] = []

  /**
   * @param limit queries that may hold a connection at once
   * @param maxWaiting queries that may wait for one of those places
   */
  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++
    } else {
      if (this.waiting.length >= this.maxWaiting) {
        throw new UserRouterError('busy', { message: 'Too many regular-expression queries are running; try again shortly.', retryAfter: 1 })
      }
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
