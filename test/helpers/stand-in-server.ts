/**
 * What the identity provider stand-ins share: an HTTP server on 127.0.0.1 (random port) that
 * answers JSON, and scripted answers a test sets for the next call to a path (an error body, a
 * server error, a slow answer).
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An answer a test sets for the next call to one path, instead of the stand-in's own. */
export interface ScriptedAnswer {
  status?: number
  /** JSON-encoded unless a string. */
  body?: unknown
  /** Waits this long before answering (past a client's timeout, say). */
  delayMs?: number
}

export interface StandInServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** The next call to `path` gets `answer`. */
  answerNext(path: string, answer: ScriptedAnswer): void
  close(): Promise<void>
}

export type Handler = (request: IncomingMessage, url: URL, body: string) => { status: number; body: unknown; headers?: Record<string, string> }

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers })
  response.end(text)
}

export async function startStandInServer(handle: Handler): Promise<StandInServer> {
  const scripted = new Map<string, ScriptedAnswer>()
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const answer = scripted.get(url.pathname)
    if (answer === undefined) {
      const own = handle(request, url, body)
      send(response, own.status, own.body, own.headers)
      return
    }
    scripted.delete(url.pathname)
    const timer = setTimeout(() => {
      timers.delete(timer)
      send(response, answer.status ?? 200, answer.body ?? '')
    }, answer.delayMs ?? 0)
    timers.add(timer)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    answerNext: (path, answer) => scripted.set(path, answer),
    async close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** A random value like the providers' codes and tokens. */
export function randomValue(): string {
  return crypto.randomUUID().replaceAll('-', '')
}
