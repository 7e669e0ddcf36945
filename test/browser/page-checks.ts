/**
 * Checks on the example's pages (demo and admin), which report every flow the same way: a status
 * line (#status) on success, an error box (#error, "Error: <status>: <message>") on failure.
 * Shared by the browser test files.
 */
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import type { Exchange, NetworkLog } from './network-log.js'

// In the page.
declare const document: any

export interface PageChecks {
  /**
   * Does `action` (clicks), then waits until the page shows the status `expected` or an error;
   * fails with the error and the requests made when the status is not `expected`. Answers the requests.
   */
  expectStatus(what: string, action: () => Promise<void>, expected: string): Promise<Exchange[]>
  /** Does `action`, then expects the error box with a message matching `pattern`; answers the message. */
  expectError(what: string, action: () => Promise<void>, pattern: RegExp): Promise<string>
  /** The trimmed text of the first element matching `selector`. */
  text(selector: string): Promise<string>
}

/** `current` gives the page and log of the moment (they are set up in `before`). */
export function pageChecks(current: () => { page: Page; log: NetworkLog }, explain: (what: string, exchanges: Exchange[]) => string): PageChecks {
  return {
    async expectStatus(what, action, expected) {
      const { page, log } = current()
      const mark = log.mark()
      await action()
      await page
        .waitForFunction((expected) => !document.getElementById('error').hidden || document.getElementById('status').textContent === expected, expected, { timeout: 10_000 })
        .catch(() => {})
      await log.settled()
      const shown = await page.evaluate(() => ({ status: document.getElementById('status').textContent, error: document.getElementById('error').textContent }))
      const exchanges = log.since(mark)
      assert.equal(shown.status, expected, explain(`${what}: the page shows status "${shown.status}", error "${shown.error}"`, exchanges))
      return exchanges
    },
    async expectError(what, action, pattern) {
      const { page, log } = current()
      const mark = log.mark()
      await action()
      await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: 10_000 }).catch(() => {})
      await log.settled()
      const error = (await page.locator('#error').textContent()) ?? ''
      assert.match(error, pattern, explain(`${what}: expected an error on the page`, log.since(mark)))
      return error
    },
    async text(selector) {
      return ((await current().page.locator(selector).first().textContent()) ?? '').trim()
    },
  }
}
