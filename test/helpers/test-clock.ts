/**
 * A clock a test moves: the real time plus an offset. Passed to the router as its `now` option, it
 * lets a test pass a lifetime the router checks itself (tokens, admin sessions, e-mail links)
 * without sleeping. Expiries kept as Redis TTLs, or by the in-process stand-in, do not move with it.
 */
export class TestClock {
  private offsetMs = 0

  /** Milliseconds since 1970, as `Date.now`. */
  readonly now = (): number => Date.now() + this.offsetMs

  /** Moves the clock forward. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }
}
