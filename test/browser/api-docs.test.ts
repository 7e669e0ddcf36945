/**
 * The example app's API reference page (`/docs`, Swagger UI from node_modules) in headless
 * Chromium: it renders the router's OpenAPI document, one block per operation, every one of them.
 */
import assert from 'node:assert/strict'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromiumUnavailable } from './chromium.js'
import { startBrowserSession, type BrowserSession } from './session.js'

/** This file is dist/test/browser/api-docs.test.js: the repository is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')
const SCREENSHOTS = join(ROOT, 'test/browser/screenshots')

const unavailable = chromiumUnavailable()

describe('the example app API reference page in Chromium', { skip: unavailable ?? false, timeout: 120_000 }, () => {
  let session: BrowserSession | undefined

  before(async () => {
    session = await startBrowserSession(SERVER_SCRIPT, { dir: SCREENSHOTS, name: 'api-docs' })
  })
  after(async () => {
    await session?.close()
  })

  test('lists every operation of the served document, from assets of this server only', async () => {
    const { page, api } = session!
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    assert.ok(operations.length > 30, `${operations.length} operations`)

    const foreign: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url) && !request.url().startsWith('data:')) foreign.push(request.url())
    })
    await page.goto(`${api.url}/docs`)
    await page.locator('.opblock').first().waitFor()
    const shown = await page.locator('.opblock').evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? ''
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
        return `${method} ${path}`
      }),
    )
    assert.deepEqual([...shown].sort(), [...operations].sort())
    assert.deepEqual(foreign, [])
    assert.match((await page.locator('.info .title').textContent()) ?? '', /express-user-router example/)
  })
})
