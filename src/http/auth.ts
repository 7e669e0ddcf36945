/**
 * Token authentication: `Authorization: Hydrogen-r1 <token>` (the MinApp SDK) or `Bearer <token>`.
 * A valid token puts its session in `res.locals.session`.
 */
import type { RequestHandler, Response } from 'express'
import { UserRouterError } from '../errors.js'
import type { Session, SessionService } from '../services/sessions.js'
import { handler } from './handler.js'
import { noStore } from './no-store.js'

const AUTHORIZATION = /^(?:Hydrogen-r1|Bearer)\s+(\S+)\s*$/i

/** The token of a request, or null when there is none. */
export function tokenOf(header: string | undefined): string | null {
  const match = header ? AUTHORIZATION.exec(header) : null
  return match ? match[1]! : null
}

/** The session of an authenticated request (after `requireSession`). */
export function sessionOf(res: Response): Session {
  return res.locals.session as Session
}

/** The session of the request's token, or null without one (or with one that is not live). */
export async function optionalSessionOf(sessions: SessionService, header: string | undefined): Promise<Session | null> {
  const token = tokenOf(header)
  return token ? sessions.verify(token) : null
}

/** Refuses requests without a live token with 401 `unauthenticated`; the answers to the others are `no-store`. */
export function requireSession(sessions: SessionService): RequestHandler {
  return handler(async (req, res, next) => {
    const session = await optionalSessionOf(sessions, req.get('authorization'))
    if (!session) throw new UserRouterError('unauthenticated')
    res.locals.session = session
    noStore(res)
    next()
  })
}
