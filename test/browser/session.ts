/**
 * One browser test session: the example app, a second origin serving the SDK page, headless
 * Chromium on that page and a log of its API requests. `close()` saves a screenshot and the request
 * log under `test/browser/screenshots/<name>*`, then stops everything, even after a failure.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium, type Browser } from './chromium.js'
import { startExampleApp, type ExampleApp } from './example-app.js'
import { NetworkLog } from './network-log.js'
import { startStaticOrigin, type StaticOrigin } from './static-origin.js'

export interface BrowserSession {
  readonly api: ExampleApp
  readonly origin: StaticOrigin
  readonly browser: Browser
  readonly page: Page
  readonly log: NetworkLog
  close(): Promise<void>
}

/** `extraEnv` goes to the example app (see startExampleApp); `originPages` are more pages of the second origin. */
export async function startBrowserSession(
  serverScript: string,
  screenshots: { dir: string; name: string },
  extraEnv: NodeJS.ProcessEnv = {},
  originPages: Record<string, string> = {},
): Promise<BrowserSession> {
  const parts: { api?: ExampleApp; origin?: StaticOrigin; browser?: Browser; page?: Page; log?: NetworkLog } = {}
  const close = async () => {
    const { page, log } = parts
    if (page && log) {
      await log.settled().catch(() => {})
      await page.screenshot({ path: join(screenshots.dir, `${screenshots.name}.png`), fullPage: true }).catch(() => {})
      await log.write(join(screenshots.dir, `${screenshots.name}-requests.json`)).catch(() => {})
    }
    await parts.browser?.close().catch(() => {})
    await parts.origin?.close().catch(() => {})
    await parts.api?.stop().catch(() => {})
  }
  try {
    parts.api = await startExampleApp(serverScript, extraEnv)
    parts.origin = await startStaticOrigin(originPages)
    parts.browser = await launchChromium()
    parts.page = parts.browser.context.pages()[0] ?? (await parts.browser.context.newPage())
    parts.page.setDefaultTimeout(15_000)
    parts.log = new NetworkLog(parts.page, parts.api.url)
  } catch (error) {
    await close()
    throw error
  }
  const { api, origin, browser, page, log } = parts as Required<typeof parts>
  return { api, origin, browser, page, log, close }
}
