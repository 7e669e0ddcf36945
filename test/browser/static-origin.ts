/**
 * The "app" origin: a plain node:http server on its own loopback port that serves one page and the
 * SDK's browser build (`minapp-sdk/lib/web.js`). The page and the API are different origins, so
 * every SDK call is a cross-origin request, as in a real web app.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'

export const SDK_SCRIPT_PATH = createRequire(import.meta.url).resolve('minapp-sdk/lib/web.js')

export interface StaticOrigin {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  close(): Promise<void>
}

/**
 * The page loads the SDK (global `BaaS`) and defines `settle(promise)`, which turns an SDK promise
 * into `{ok: true, value}` or `{ok: false, code, message}` (the SDK rejects with an Error whose
 * `code` is the HTTP status and whose message is `"<status>: <error_msg>"`).
 */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>minapp-sdk against express-user-router</title></head>
<body>
<h1>minapp-sdk against express-user-router</h1>
<pre id="log"></pre>
<script src="/minapp-sdk.js"></script>
<script>
  window.settle = function (promise) {
    var log = document.getElementById('log')
    return Promise.resolve(promise).then(function (value) {
      log.textContent += 'ok\\n'
      return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) }
    }, function (error) {
      log.textContent += 'error ' + (error && error.message) + '\\n'
      return { ok: false, code: error && error.code, message: String(error && error.message) }
    })
  }
</script>
</body>
</html>
`

/** `pages`: more HTML pages by path (`{ '/auth.html': '<!doctype html>...' }`). */
export async function startStaticOrigin(pages: Record<string, string> = {}): Promise<StaticOrigin> {
  const sdk = await readFile(SDK_SCRIPT_PATH)
  const html = new Map([['/', PAGE], ...Object.entries(pages)])
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const page = req.method === 'GET' ? html.get(path) : undefined
    if (page !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(page)
    } else if (req.method === 'GET' && path === '/minapp-sdk.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }).end(sdk)
    } else if (req.method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204).end()
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (!address || typeof address !== 'object') throw new Error('static origin: no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
