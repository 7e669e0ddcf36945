/**
 * Admin sign-in, sign-out and the current admin's profile. Sign-in goes through
 * passport-local, one strategy per identifier, on the router's own Passport instance; the session
 * id is regenerated at sign-in (no session fixation) and the session destroyed at sign-out.
 */
import type { NextFunction, Request, Response } from 'express'
import Joi from 'joi'
import { Passport } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import { UserRouterError } from '../../errors.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import type { IdentifierKind, StoredUser } from '../../model/user.js'
import { signInAdmin, signOutAdmin, type AdminSessionData } from '../../services/admin-auth.js'
import type { ServiceDeps } from '../../services/deps.js'
import { adminOf, type AdminApiContext } from './context.js'
import { adminResponses, adminRoute } from './docs.js'
import { sessionCall } from './session.js'
import { toAdminProfile } from './wire.js'

const KINDS = ['username', 'email', 'phone'] as const
const identifier = optional(Joi.string().min(1).max(320))
const loginSchema = object({ username: identifier, email: identifier, phone: identifier, password: required(Joi.string().min(1).max(1024)) })
  .xor(...KINDS)
  .required()
  .messages({ 'object.missing': 'must name the account by username, email or phone', 'object.xor': 'must name the account by exactly one of username, email, phone' })

type SignedIn = { user: StoredUser; session: AdminSessionData }

function createPassport(deps: ServiceDeps): InstanceType<typeof Passport> {
  const passport = new Passport()
  for (const kind of KINDS) {
    const strategy = new LocalStrategy(
      { usernameField: kind, passwordField: 'password', passReqToCallback: true, session: false },
      (req, value, password, done) => {
        signInAdmin(deps, { kind, identifier: value, password }, requestMeta(req)).then((signedIn) => done(null, signedIn ?? false), done)
      },
    )
    passport.use(`userve-${kind}`, strategy)
  }
  return passport
}

export function mountAuthRoutes({ deps, requireAdmin, api }: AdminApiContext): void {
  const passport = createPassport(deps)

  const startSession = async (req: Request, res: Response, { user, session }: SignedIn) => {
    await sessionCall((done) => req.session.regenerate(done))
    req.session.admin = session
    await sessionCall((done) => req.session.save(done))
    res.set('Cache-Control', 'no-store').json(toAdminProfile(user))
  }

  const profile = { 200: { description: 'The signed-in admin.', schema: 'AdminProfile' } }
  const loginDoc = adminRoute({ summary: 'Sign in as an admin (sets the session cookie)', auth: 'none', body: loginSchema, responses: adminResponses(profile, [400, 429]) })
  api.post('/userve/v1/login', loginDoc, (req: Request, res: Response, next: NextFunction) => {
    let kind: IdentifierKind
    try {
      const body = validate(loginSchema, req.body)
      kind = KINDS.find((k) => body[k] !== undefined)!
    } catch (error) {
      return next(error)
    }
    passport.authenticate(`userve-${kind}`, { session: false }, (error: unknown, signedIn: SignedIn | false) => {
      if (error) return next(error)
      if (!signedIn) return next(new UserRouterError('invalid_credentials'))
      startSession(req, res, signedIn).catch(next)
    })(req, res, next)
  })

  const logoutDoc = adminRoute({ summary: 'Sign out (destroys the session)', auth: 'none', responses: adminResponses({ 200: { description: 'Signed out.', schema: 'StatusOk' } }) })
  api.post('/userve/v1/logout', logoutDoc, handler(async (req, res) => {
    signOutAdmin(deps, req.session.admin, requestMeta(req))
    await sessionCall((done) => req.session.destroy(done))
    res.clearCookie(deps.config.admin!.cookieName, { path: '/', httpOnly: true, sameSite: 'lax' })
    res.json({ status: 'ok' })
  }))

  const profileDoc = adminRoute({ summary: 'The signed-in admin', responses: adminResponses(profile) })
  api.get('/userve/v1/user-profile', profileDoc, requireAdmin, (_req, res) => {
    res.json(toAdminProfile(adminOf(res)))
  })
}
