/**
 * What the client API's browser targets (the e-mail links, the providers' callback) share: the
 * router's absolute URL, and answering with a page or, to callers that prefer it, JSON.
 */
import type { Request, Response } from 'express'
import { startErrorAnswer } from '../../http/render-error.js'
import type { ClientApiSettings } from './context.js'
import { PAGE_HEADERS, resultPage, type ResultKind } from './email-pages.js'

/**
 * The router's absolute URL, for links: `publicUrl` when configured, otherwise the request's own
 * scheme, host and mount path (development; the Host header is the client's to choose).
 */
export function baseUrlOf(req: Request, { publicUrl }: ClientApiSettings): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '')
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`
}

/** Whether the caller prefers JSON to HTML (API clients, the SDK); browsers get pages. */
export function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json'
}

export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).send(html)
}

/**
 * Renders a failure of a page route: JSON callers get the API's error body (rethrown to the family's
 * error renderer), browsers a page with the status and `Retry-After` that renderer would give:
 * `invalidKind` for a failure of the caller's input (in a browser, the URL itself), else `error`.
 */
export function failPage({ logger, emailLanguage }: ClientApiSettings, req: Request, res: Response, raw: unknown, invalidKind: ResultKind): void {
  if (wantsJson(req)) throw raw
  const error = startErrorAnswer(res, raw, logger)
  const kind: ResultKind = error.kind === 'invalid' ? invalidKind : 'error'
  sendPage(res, res.statusCode, resultPage(emailLanguage, kind))
}
