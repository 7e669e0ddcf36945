/**
 * Keeps other sites' pages from making their visitors' browsers ask for SMS codes. The phone API's
 * `validation_code` is a plain GET, which any page can trigger (an image, a link, a no-cors fetch)
 * without CORS having a say. Browsers mark such requests: `Sec-Fetch-Site` (`cross-site`,
 * `same-site`), set by the browser alone, and `Origin` on fetches. Refused with 403
 * `cross_site_request` unless the origin is the request's own or one that `cors.origins` lists by
 * name or pattern (`'*'` trusts none). A request with neither header (curl, a mobile app's HTTP
 * client) is no page's doing, and passes.
 */
import type { Request, RequestHandler } from 'express'
import { UserRouterError } from '../../errors.js'
import type { CorsConfig } from '../../http/cors.js'

const REFUSED = "Cross-site request refused: SMS codes are sent for this site's own pages and for apps, not for other sites' pages."

/** An origin in its serialised form (lower case, no default port), or null for `null` and anything unreadable. */
function serialised(origin: string): string | null {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

/** Whether `origin` is the request's own: its protocol (see Express's `trust proxy`), host and port. */
function isOwnOrigin(origin: string, req: Request): boolean {
  const host = req.get('host')
  const own = host === undefined ? null : serialised(`${req.protocol}://${host}`)
  return own !== null && serialised(origin) === own
}

export function refuseCrossSiteRequests(cors: CorsConfig | undefined): RequestHandler {
  const listed = (origin: string) => cors !== undefined && cors.origins !== '*' && cors.origins.some((o) => (typeof o === 'string' ? o === origin : o.test(origin)))
  return (req, _res, next) => {
    const origin = req.get('origin')
    if (origin !== undefined && listed(origin)) return next()
    const site = req.get('sec-fetch-site')
    // The browser's own word, when it gives it, settles it (a TLS proxy cannot make it look foreign).
    const ours = site !== undefined ? site === 'same-origin' || site === 'none' : origin === undefined || isOwnOrigin(origin, req)
    next(ours ? undefined : new UserRouterError('cross_site_request', { message: REFUSED }))
  }
}
