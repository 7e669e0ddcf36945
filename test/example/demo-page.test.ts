/**
 * The example app serves its demo page and the SDK, and hands SMS codes to the page only in
 * development: the dev outbox is on by default there (on loopback), off with DEV_OUTBOX=0 and
 * absent with NODE_ENV=production. The compiled example, run after a build; the page's flows are
 * clicked through in test/browser/demo-page.test.ts.
 */
import assert from 'node:assert/strict'
import { dirname, join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startExampleApp } from '../browser/example-app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SERVER_SCRIPT = join(ROOT, 'dist/examples/server.js')

/** Starts the example with `env`, answers `check(url)`, and stops it. */
async function withExample<T>(env: NodeJS.ProcessEnv, check: (url: string) => Promise<T>): Promise<T> {
  const app = await startExampleApp(SERVER_SCRIPT, env)
  try {
    return await check(app.url)
  } finally {
    await app.stop()
  }
}

/** The status of `GET /dev/outbox` without `?to=`: 400 when the outbox is served, 404 when not. */
async function outboxStatus(url: string): Promise<number> {
  return (await fetch(`${url}/dev/outbox`)).status
}

describe('the example app’s demo page', { timeout: 90_000 }, () => {
  it('is served at / with the SDK at /vendor/minapp-sdk.js; in development the outbox is on by default', async () => {
    await withExample({ DEV_OUTBOX: '' }, async (url) => {
      const page = await fetch(`${url}/`)
      assert.equal(page.status, 200)
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
      const html = await page.text()
      assert.match(html, /<script src="\/vendor\/minapp-sdk.js">/)
      const sdk = await fetch(`${url}/vendor/minapp-sdk.js`)
      assert.equal(sdk.status, 200)
      assert.match(sdk.headers.get('content-type') ?? '', /javascript/)
      assert.match(await sdk.text(), /myminapp/)
      for (const file of ['demo.js', 'i18n.js', 'demo.css']) assert.equal((await fetch(`${url}/${file}`)).status, 200, file)
      assert.equal(await outboxStatus(url), 400)
    })
  })

  it('with DEV_OUTBOX=0 the outbox is off: the page has no code to show', async () => {
    await withExample({ DEV_OUTBOX: '0' }, async (url) => {
      assert.equal((await fetch(`${url}/`)).status, 200)
      assert.equal(await outboxStatus(url), 404)
    })
  })

  it('with NODE_ENV=production the page is served and no outbox is', async () => {
    // Production needs a session secret for the admin cookie.
    await withExample({ NODE_ENV: 'production', DEV_OUTBOX: '', SESSION_SECRET: 'x'.repeat(32) }, async (url) => {
      assert.equal((await fetch(`${url}/`)).status, 200)
      assert.equal(await outboxStatus(url), 404)
      assert.equal((await fetch(`${url}/dev/outbox?to=13800138000`)).status, 404)
    })
  })
})
