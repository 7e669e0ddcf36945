/**
 * Turns for the regex lists of a store that runs its matcher on the event loop (memory, SQLite).
 * One list may spend a whole regex budget of synchronous work; ten arriving together would hold
 * every other request for ten budgets. In turns, each after a pass of the event loop, other
 * requests wait for one list's work at most; past `MAX_WAITING_REGEX_LISTS` waiting, more are
 * refused with `busy` rather than queued without end.
 */
import { UserRouterError } from '../../errors.js'

/** Regex lists that may wait for their turn in one store; more answer 503 `busy`. */
export const MAX_WAITING_REGEX_LISTS = 16

export class RegexTurns {
  private last: Promise<unknown> = Promise.resolve()
  private waiting = 0

  /** Runs `work` in its turn: after the previous regex list, and after the event loop had a pass. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.waiting >= MAX_WAITING_REGEX_LISTS) return Promise.reject(new UserRouterError('busy', { retryAfter: 1 }))
    this.waiting++
    const turn = this.last
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        this.waiting--
        return work()
      })
    this.last = turn.catch(() => undefined)
    return turn
  }
}
