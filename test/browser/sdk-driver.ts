/**
 * Drives the MinApp SDK in the test page and explains failures: which requests a call made and what
 * came back. Shared by the browser test files.
 */
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { formatExchange, type Exchange, type NetworkLog } from './network-log.js'

/** What the page's `settle` helper resolves to (see static-origin.ts). */
export type Settled = { ok: true; value: any } | { ok: false; code: unknown; message: string }

export interface SdkDriver {
  /** Runs `fn` in the page; answers its settled result and the requests it made. */
  call<A>(fn: (arg: A) => Promise<Settled>, arg: A): Promise<{ result: Settled; exchanges: Exchange[] }>
  explain(what: string, exchanges: Exchange[]): string
  expectOk<A>(what: string, fn: (arg: A) => Promise<Settled>, arg: A): Promise<{ value: any; exchanges: Exchange[] }>
  /** Expects the SDK to reject with this HTTP status; answers its message and the requests. */
  expectRejected<A>(what: string, status: number, fn: (arg: A) => Promise<Settled>, arg: A): Promise<{ message: string; exchanges: Exchange[] }>
  /** The one exchange with this method whose path starts with `prefix`. */
  find(exchanges: Exchange[], method: string, prefix: string): Exchange
  /** A raw GET from Node, outside the browser. */
  raw(path: string, token: string | null): Promise<{ status: number; body: any }>
  /** A JSON request from Node, outside the browser; `headers` are added (a User-Agent...). */
  send(method: string, path: string, body: unknown, token?: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>
}

/** `current` gives the page, log and API URL of the moment (they are set up in `before`). */
export function sdkDriver(current: () => { page: Page; log: NetworkLog; apiUrl: string }, clientId: string): SdkDriver {
  const explain = (what: string, exchanges: Exchange[]) => {
    const requests = exchanges.length ? exchanges.map(formatExchange).join('\n') : '  (no request reached the API origin)'
    const consoleLines = current()
      .log.console.slice(-5)
      .map((line) => `  ${line}`)
      .join('\n')
    return `${what}\nrequests:\n${requests}${consoleLines ? `\npage console:\n${consoleLines}` : ''}`
  }
  const call = async <A>(fn: (arg: A) => Promise<Settled>, arg: A) => {
    const { page, log } = current()
    const mark = log.mark()
    const result: Settled = await page.evaluate(fn as (arg: any) => Promise<Settled>, arg as any)
    await log.settled()
    return { result, exchanges: log.since(mark) }
  }
  return {
    call,
    explain,
    async expectOk(what, fn, arg) {
      const { result, exchanges } = await call(fn, arg)
      if (!result.ok) assert.fail(explain(`${what}: the SDK rejected with ${result.code} "${result.message}"`, exchanges))
      return { value: result.value, exchanges }
    },
    async expectRejected(what, status, fn, arg) {
      const { result, exchanges } = await call(fn, arg)
      if (result.ok) assert.fail(explain(`${what}: expected a rejection with ${status}, the SDK resolved`, exchanges))
      assert.equal(result.code, status, explain(`${what}: expected a rejection with ${status}, got ${result.code} "${result.message}"`, exchanges))
      return { message: result.message, exchanges }
    },
    find(exchanges, method, prefix) {
      const found = exchanges.filter((e) => e.method === method && e.path.startsWith(prefix))
      assert.equal(found.length, 1, explain(`expected one ${method} ${prefix}...`, exchanges))
      return found[0]!
    },
    async raw(path, token) {
      const headers: Record<string, string> = { 'X-Hydrogen-Client-ID': clientId }
      if (token) headers.Authorization = `Hydrogen-r1 ${token}`
      return answer(await fetch(`${current().apiUrl}${path}`, { headers }))
    },
    async send(method, path, body, token, extra = {}) {
      const headers: Record<string, string> = { 'X-Hydrogen-Client-ID': clientId, 'Content-Type': 'application/json', ...extra }
      if (token) headers.Authorization = `Hydrogen-r1 ${token}`
      return answer(await fetch(`${current().apiUrl}${path}`, { method, headers, body: JSON.stringify(body) }))
    },
  }
}

/** The status and body of a response: JSON when it parses, else the text. */
async function answer(response: Response): Promise<{ status: number; body: any }> {
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, body }
}
