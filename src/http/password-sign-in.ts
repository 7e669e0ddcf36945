/**
 * Password sign-in through passport-local, for every family that has one: one strategy per
 * identifier kind (the body field that names the account), on a Passport instance of its own, so
 * two routers (or two families) in one process share nothing. The family keeps only its answer.
 */
import type { Request, RequestHandler, Response } from 'express'
import { Passport } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import { UserRouterError } from '../errors.js'
import type { IdentifierKind } from '../model/user.js'
import type { Credential } from '../services/accounts.js'
import type { RequestMeta } from '../services/deps.js'
import { requestMeta } from './request-meta.js'

const KINDS: readonly IdentifierKind[] = ['username', 'email', 'phone']

/** The family's sign-in: what it signs in to, or null for wrong credentials. */
export type SignIn<SignedIn> = (credential: Credential, meta: RequestMeta) => Promise<SignedIn | null>

/** The family's answer to a signed-in request (a token, a session cookie); a rejection goes to `next`. */
export type SignedInAnswer<SignedIn> = (req: Request, res: Response, signedIn: SignedIn) => Promise<void>

/**
 * The sign-in handler of each identifier kind: it reads `<kind>` and `password` from the parsed
 * body (validate it first), answers `invalid_credentials` for wrong ones, and `answer`s otherwise.
 */
export function passwordSignIn<SignedIn>(signIn: SignIn<SignedIn>, answer: SignedInAnswer<SignedIn>): Record<IdentifierKind, RequestHandler> {
  const passport = new Passport()
  for (const kind of KINDS) {
    const strategy = new LocalStrategy({ usernameField: kind, passwordField: 'password', passReqToCallback: true, session: false }, (req, identifier, password, done) => {
      signIn({ kind, identifier, password }, requestMeta(req)).then((signedIn) => done(null, signedIn ?? false), done)
    })
    passport.use(kind, strategy)
  }
  const handlerOf =
    (kind: IdentifierKind): RequestHandler =>
    (req, res, next) => {
      passport.authenticate(kind, { session: false }, (error: unknown, signedIn: SignedIn | false) => {
        if (error) return next(error)
        if (!signedIn) return next(new UserRouterError('invalid_credentials'))
        answer(req, res, signedIn).catch(next)
      })(req, res, next)
    }
  return { username: handlerOf('username'), email: handlerOf('email'), phone: handlerOf('phone') }
}
