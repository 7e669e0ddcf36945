/**
 * CORS for the configured origins. The MinApp web SDK runs cross-origin and sends its own headers,
 * which a preflight must allow. Only listed origins get CORS headers; others get none.
 */
import type { RequestHandler } from 'express'

const ALLOWED_HEADERS = [
  'X-Hydrogen-Client-ID',
  'X-Hydrogen-Client-Version',
  'X-Hydrogen-Client-Platform',
  'X-Hydrogen-Client-SDK-Type',
  'X-Hydrogen-Env-ID',
  'Authorization',
  'Content-Type',
].join(', ')
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, OPTIONS'

/** `credentials`: cookies may come along (the admin API); the origin is then always echoed, never `*`. */
export function cors(config: { origins: '*' | (string | RegExp)[]; maxAgeSeconds: number; credentials?: boolean }): RequestHandler {
  const allowed = (origin: string) =>
    config.origins === '*' || config.origins.some((o) => (typeof o === 'string' ? o === origin : o.test(origin)))
  return (req, res, next) => {
    const origin = req.get('origin')
    if (!origin || !allowed(origin)) return next()
    res.setHeader('Access-Control-Allow-Origin', config.origins === '*' && !config.credentials ? '*' : origin)
    if (config.credentials) res.setHeader('Access-Control-Allow-Credentials', 'true')
    res.vary('Origin')
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next()
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS)
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS)
    res.setHeader('Access-Control-Max-Age', String(config.maxAgeSeconds))
    res.status(204).end()
  }
}
