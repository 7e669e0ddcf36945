/**
 * CORS for the configured origins. The MinApp web SDK runs cross-origin and sends its own headers,
 * which a preflight must allow. Only listed origins get CORS headers; others get none. Both
 * middlewares run on the router's own routes only (see `documented`): the app's routes, even under
 * the same paths, keep their own CORS or none.
 */
import type { RequestHandler, Response } from 'express'

const ALLOWED_HEADERS = [
  'X-Hydrogen-Client-ID',
  'X-Hydrogen-Client-Version',
  'X-Hydrogen-Client-Platform',
  'X-Hydrogen-Client-SDK-Type',
  'X-Hydrogen-Env-ID',
  'Authorization',
  'Content-Type',
].join(', ')

/** `credentials`: cookies may come along (the admin API); the origin is then always echoed, never `*`. */
export interface CorsConfig {
  origins: '*' | (string | RegExp)[]
  maxAgeSeconds: number
  credentials?: boolean
}

/** Sets the headers every answer to `origin` carries; false (and nothing set) for an origin not listed. */
function allowOrigin(config: CorsConfig, origin: string | undefined, res: Response): boolean {
  if (!origin) return false
  const listed = config.origins === '*' || config.origins.some((o) => (typeof o === 'string' ? o === origin : o.test(origin)))
  if (!listed) return false
  res.setHeader('Access-Control-Allow-Origin', config.origins === '*' && !config.credentials ? '*' : origin)
  if (config.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true')
  res.vary('Origin')
  return true
}

/** The CORS headers of a route's answers (prepended to each route). */
export function cors(config: CorsConfig): RequestHandler {
  return (req, res, next) => {
    allowOrigin(config, req.get('origin'), res)
    next()
  }
}

/**
 * Answers preflights for one path, mounted with `router.use(path, ...)`: only for the path itself
 * (not below it) and only for the methods in `methods` (upper case), which the path's routes fill
 * in as they are mounted. Any other request passes on, to the router's next route or to the app.
 */
export function preflight(config: CorsConfig, methods: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'OPTIONS' || req.path !== '/') return next()
    const requested = req.get('access-control-request-method')
    if (requested !== undefined && !methods.has(requested.toUpperCase())) return next()
    // An OPTIONS that is no preflight gets Express's answer (`Allow`), with the origin's headers.
    if (!allowOrigin(config, req.get('origin'), res) || requested === undefined) return next()
    res.setHeader('Access-Control-Allow-Methods', [...methods, 'OPTIONS'].join(', '))
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS)
    res.setHeader('Access-Control-Max-Age', String(config.maxAgeSeconds))
    res.status(204).end()
  }
}
