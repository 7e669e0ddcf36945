/**
 * Records what the page sends to the API origin and what comes back (method, path, headers, body,
 * status, response body), plus console messages, so a failing check can say exactly which request
 * broke and how.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Page, Request } from 'playwright-core'

export interface Exchange {
  method: string
  /** Path and query, as sent. */
  path: string
  requestHeaders: Record<string, string>
  requestBody: string | null
  /** null when the request failed (CORS, connection refused...). */
  status: number | null
  failure: string | null
  responseHeaders: Record<string, string>
  responseBody: string | null
}

export class NetworkLog {
  readonly exchanges: Exchange[] = []
  readonly console: string[] = []
  private readonly open = new Map<Request, Exchange>()
  private readonly reading = new Set<Promise<void>>()

  constructor(
    page: Page,
    private readonly apiOrigin: string,
  ) {
    page.on('request', (request) => this.start(request))
    page.on('requestfinished', (request) => this.finish(request, null))
    page.on('requestfailed', (request) => this.finish(request, request.failure()?.errorText ?? 'failed'))
    page.on('console', (message) => this.console.push(`${message.type()}: ${message.text()}`))
    page.on('pageerror', (error) => this.console.push(`pageerror: ${error.message}`))
  }

  /** Waits (at most `timeoutMs`) until every recorded request has finished and its answer is read. */
  async settled(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    // Polls with a timer: Playwright's events arrive as I/O, so the loop must yield to the event loop.
    while ((this.open.size > 0 || this.reading.size > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /** The exchanges recorded since `mark` (an index from `mark()`). */
  since(mark: number): Exchange[] {
    return this.exchanges.slice(mark)
  }

  mark(): number {
    return this.exchanges.length
  }

  async write(file: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, JSON.stringify({ exchanges: this.exchanges, console: this.console }, null, 2))
  }

  private start(request: Request): void {
    const url = new URL(request.url())
    if (url.origin !== this.apiOrigin) return
    const exchange: Exchange = {
      method: request.method(),
      path: url.pathname + url.search,
      requestHeaders: {},
      requestBody: request.postData(),
      status: null,
      failure: '(pending)',
      responseHeaders: {},
      responseBody: null,
    }
    this.exchanges.push(exchange)
    this.open.set(request, exchange)
  }

  private finish(request: Request, failure: string | null): void {
    const exchange = this.open.get(request)
    if (!exchange) return
    this.open.delete(request)
    exchange.failure = failure
    const read = (async () => {
      try {
        exchange.requestHeaders = await request.allHeaders()
        const response = failure ? null : await request.response()
        if (response) {
          exchange.status = response.status()
          exchange.responseHeaders = await response.allHeaders()
          exchange.responseBody = await response.text().catch(() => null)
        }
      } catch (error) {
        exchange.failure ??= `(not recorded: ${(error as Error).message})`
      }
    })()
    this.reading.add(read)
    void read.finally(() => this.reading.delete(read))
  }
}

export function formatExchange(e: Exchange): string {
  const sent = e.requestBody ? ` body=${e.requestBody}` : ''
  const auth = e.requestHeaders.authorization ? ` [Authorization: ${e.requestHeaders.authorization.slice(0, 20)}...]` : ''
  const answer = e.status === null ? `FAILED (${e.failure})` : `${e.status} ${truncate(e.responseBody ?? '', 600)}`
  return `  ${e.method} ${e.path}${sent}${auth}\n    -> ${answer}`
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text
}
