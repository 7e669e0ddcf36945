/**
 * CSRF protection of the cookie-authenticated admin API: a state-changing request (anything but
 * GET, HEAD, OPTIONS) that a browser marks as coming from another origin is refused with 403
 * `cross_site_request`. The origin is the `Origin` header, or else the origin of `Referer`; it
 * must be the request's own origin (scheme, host and port: a page on `http://` of the same host
 * is another origin) or one of `admin.trustedOrigins`. A request with neither header
 * does not come from a page (curl, scripts: browsers send `Origin` on every cross-origin POST and
 * PUT) and passes. SameSite=Lax alone is not enough: older browsers ignore it, and sibling
 * subdomains count as the same site.
 */
import type { Request, RequestHandler } from 'express'
import { UserRouterError } from '../../errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The origin the browser reports, `'unknown'` for an unreadable one, or undefined when none is given. */
function sourceOrigin(req: Request): string | undefined {
  const origin = req.get('origin')
  if (origin !== undefined) return origin
  const referer = req.get('referer')
  if (referer === undefined) return undefined
  try {
    return new URL(referer).origin
  } catch {
    return 'unknown'
  }
}

/**
 * The request's own origin: scheme, host and port, as the browser writes origins (default port
 * left out). The scheme is Express's `req.protocol`, which follows `X-Forwarded-Proto` only from
 * proxies the app trusts (`trust proxy`).
 */
function ownOrigin(req: Request): string | undefined {
  const host = req.get('host')
  if (host === undefined) return undefined
  try {
    return new URL(`${req.protocol}://${host}`).origin
  } catch {
    return undefined
  }
}

function isTrusted(origin: string, req: Request, trusted: readonly string[]): boolean {
  if (trusted.includes(origin)) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === ownOrigin(req)
  } catch {
    return false // `null` (sandboxed or privacy-sensitive contexts) and anything unreadable
  }
}

export function refuseCrossSiteRequests(trusted: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next()
    const origin = sourceOrigin(req)
    next(origin === undefined || isTrusted(origin, req, trusted) ? undefined : new UserRouterError('cross_site_request'))
  }
}
