/**
 * The admin API's cookie sessions: express-session, in the store the composition root chose
 * (see `adminSessionStore`).
 *
 * The cookie is httpOnly and SameSite=Lax, Secure when the request is (`secure: 'auto'`: behind a
 * TLS proxy, set Express's `trust proxy`), and lives `sessionTtlSeconds` from sign-in.
 */
import type { RequestHandler } from 'express'
import session from 'express-session'
import { UserRouterError, isUserRouterError } from '../../errors.js'
import type { AdminSessionData } from '../../services/admin-auth.js'
import type { AdminApiSettings } from './context.js'

declare module 'express-session' {
  interface SessionData {
    /** Set at admin sign-in only. */
    admin?: AdminSessionData
  }
}

export interface AdminSessionOptions {
  /** Where sessions are kept. */
  store: session.Store
  admin: AdminApiSettings['admin']
  /** Signing secrets, the first signing. */
  secrets: string[]
}

/** The session middleware; a store failure becomes `unavailable` (503) instead of a 500. */
export function adminSession({ store, admin, secrets }: AdminSessionOptions): RequestHandler {
  const middleware = session({
    name: admin.cookieName,
    secret: secrets,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: admin.sessionTtlSeconds * 1000 },
  })
  return (req, res, next) => {
    middleware(req, res, (error?: unknown) => next(error === undefined ? undefined : asUnavailable(error)))
  }
}

export function asUnavailable(error: unknown): UserRouterError {
  return isUserRouterError(error) ? error : new UserRouterError('unavailable', { cause: error })
}

/** Promisified `req.session` calls (express-session takes callbacks). */
export function sessionCall(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(asUnavailable(error)) : resolve())))
}
