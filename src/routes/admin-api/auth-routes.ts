/**
 * Admin sign-in, sign-out and the current admin's profile (`/userve/v1`). Sign-in goes through
 * passport-local (see `passwordSignIn`); the session id is regenerated at sign-in (no session
 * fixation) and the session destroyed at sign-out.
 */
import type { NextFunction, Request, Response } from 'express'
import Joi from 'joi'
import { handler } from '../../http/handler.js'
import { passwordSignIn } from '../../http/password-sign-in.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import type { IdentifierKind } from '../../model/user.js'
import { recordAdminSession } from '../../services/admin-grants.js'
import { signInAdmin, signOutAdmin } from '../../services/admin-auth.js'
import { adminOf, type AdminApiContext } from './context.js'
import { docs } from './docs.js'
import { sessionCall } from './session.js'
import { toAdminProfile } from './wire.js'

const KINDS = ['username', 'email', 'phone'] as const
const identifier = optional(Joi.string().min(1).max(320))
const loginSchema = object({ username: identifier, email: identifier, phone: identifier, password: required(Joi.string().min(1).max(1024)) })
  .xor(...KINDS)
  .required()
  .messages({ 'object.missing': 'must name the account by username, email or phone', 'object.xor': 'must name the account by exactly one of username, email, phone' })

export function mountAuthRoutes({ deps, requireAuth, api, settings }: AdminApiContext): void {
  const signIn = passwordSignIn(
    (credential, meta) => signInAdmin(deps, credential, meta),
    async (req, res, { user, session }) => {
      await sessionCall((done) => req.session.regenerate(done))
      req.session.admin = session
      await sessionCall((done) => req.session.save(done))
      await recordAdminSession(deps, session.userId, req.session.id)
      res.set('Cache-Control', 'no-store').json(toAdminProfile(user))
    },
  )

  const profile = { 200: { description: 'The signed-in admin.', schema: 'AdminProfile' } }
  const loginDoc = docs.route({ summary: 'Sign in as an admin (sets the session cookie)', auth: 'none', body: loginSchema, responses: docs.responses(profile, [400, 429]) })
  api.post('/userve/v1/login', loginDoc, (req: Request, res: Response, next: NextFunction) => {
    let kind: IdentifierKind
    try {
      const body = validate(loginSchema, req.body)
      kind = KINDS.find((k) => body[k] !== undefined)!
    } catch (error) {
      return next(error)
    }
    signIn[kind](req, res, next)
  })

  const logoutDoc = docs.route({ summary: 'Sign out (destroys the session)', auth: 'none', responses: docs.responses({ 200: { description: 'Signed out.', schema: 'StatusOk' } }) })
  api.post(
    '/userve/v1/logout',
    logoutDoc,
    handler(async (req, res) => {
      signOutAdmin(deps, req.session.admin, requestMeta(req))
      await sessionCall((done) => req.session.destroy(done))
      res.clearCookie(settings.admin.cookieName, { path: '/', httpOnly: true, sameSite: 'lax' })
      res.json({ status: 'ok' })
    }),
  )

  const profileDoc = docs.route({ summary: 'The signed-in admin', responses: docs.responses(profile) })
  api.get('/userve/v1/user-profile', profileDoc, requireAuth, (_req, res) => {
    res.json(toAdminProfile(adminOf(res)))
  })
}
