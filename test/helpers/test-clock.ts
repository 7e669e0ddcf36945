/**
 * A clock a test moves: the real time plus an offset. Passed to the router as its `now` option, it
 * lets a test pass a lifetime the router checks itself (tokens, admin sessions, e-mail links)
 * without sleeping. Expiries kept as Redis TTLs, or by the in-process stand-in, do not move with it.
 */
export class TestClock {
  private offsetMs = 0
  private frozenAt: number | null = null

  /** Milliseconds since 1970, as `Date.now`. */
  readonly now = (): number => (this.frozenAt ?? Date.now()) + this.offsetMs

  /**
   * Stops the real time's share: from then on only `advance` moves the clock, for a test that steps
   * onto an exact boundary (a second of a slow machine would otherwise step past it).
   */
  freeze(): void {
    this.frozenAt ??= Date.now()
  }

  /** Moves the clock forward. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }
}
