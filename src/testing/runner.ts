/**
 * What the conformance suites share: the test functions they run on, and one fresh store per test,
 * closed afterwards whatever happens.
 */
import * as nodeTest from 'node:test'

/** The test functions the suites need; node:test's by default, or jest's / vitest's. */
export interface ConformanceRunner {
  describe(name: string, fn: () => void): unknown
  it(name: string, fn: () => Promise<void>): unknown
}

/** `describe`, and `test(title, body)` running `body` on a fresh store from `factory`. */
export function storeSuite<S extends { close(): Promise<void> }>(runner: ConformanceRunner | undefined, factory: () => S | Promise<S>) {
  const { describe, it } = runner ?? (nodeTest as unknown as ConformanceRunner)
  const test = (title: string, body: (store: S) => Promise<void>) =>
    it(title, async () => {
      const store = await factory()
      try {
        await body(store)
      } finally {
        await store.close()
      }
    })
  return { describe, test }
}
