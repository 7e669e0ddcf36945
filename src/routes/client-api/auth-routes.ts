/**
 * Register, login (password, anonymous) and logout routes of the MinApp client API (`/hserve`).
 * Password logins go through passport-local (see `passwordSignIn`) and answer a token.
 */
import type { Response } from 'express'
import Joi from 'joi'
import type { IdentifierKind } from '../../model/user.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { passwordSignIn } from '../../http/password-sign-in.js'
import { requestMeta } from '../../http/request-meta.js'
import { named, object, required } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { login, loginAnonymously, logout, register, type SignedIn } from '../../services/accounts.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { toSignedIn } from './wire.js'

/** Identifier kinds served on each version. */
const KINDS_BY_VERSION: [string, IdentifierKind[]][] = [
  ['v2.0', ['email', 'username']],
  ['v2.1', ['email', 'username', 'phone']],
]

const credentialSchema = <K extends IdentifierKind>(kind: K) =>
  object({ ...named(kind, required(Joi.string().min(1).max(320))), password: required(Joi.string().min(1).max(1024)) }).required()

export function mountAuthRoutes({ deps, requireAuth, api, settings }: ClientApiContext): void {
  const sendSignedIn = (res: Response, { user, token }: SignedIn) =>
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json(toSignedIn(user, deps.schema, token))
  const signIn = passwordSignIn(
    (credential, meta) => login(deps, credential, meta),
    async (_req, res, signedIn) => {
      sendSignedIn(res, signedIn)
    },
  )

  const signedInAnswer = { 201: { description: 'The user, with a token.', schema: 'SignedIn' } }
  for (const [version, kinds] of KINDS_BY_VERSION) {
    for (const kind of kinds) {
      const credential = credentialSchema(kind)
      const registerDoc = docs.route({ summary: `Register with ${kind} and password`, auth: 'none', body: credential, responses: docs.responses(signedInAnswer, [400, 429]) })
      api.post(
        `/hserve/${version}/register/${kind}`,
        registerDoc,
        handler(async (req, res) => {
          const body = validate(credential, req.body)
          sendSignedIn(res, await register(deps, { kind, identifier: body[kind], password: body.password }, requestMeta(req)))
        }),
      )
      const loginDoc = docs.route({ summary: `Sign in with ${kind} and password`, auth: 'none', body: credential, responses: docs.responses(signedInAnswer, [400, 403, 429]) })
      api.post(`/hserve/${version}/login/${kind}`, loginDoc, (req, res, next) => {
        try {
          validate(credential, req.body)
        } catch (error) {
          return next(error)
        }
        signIn[kind](req, res, next)
      })
    }
  }

  if (settings.anonymousLogin) {
    const doc = docs.route({
      summary: 'Sign in as a new anonymous user',
      auth: 'none',
      responses: docs.responses({ 201: { description: 'The new user, with a token.', schema: 'SignedIn' } }, [429]),
    })
    api.post(
      '/hserve/v2.0/login/anonymous',
      doc,
      handler(async (req, res) => {
        sendSignedIn(res, await loginAnonymously(deps, requestMeta(req)))
      }),
    )
  }

  const destroyDoc = docs.route({
    summary: 'Sign out (end this token)',
    auth: 'token',
    responses: docs.responses({ 201: { description: 'Signed out.', schema: 'SessionDestroyed' } }),
  })
  api.post(
    '/hserve/v2.0/session/destroy',
    destroyDoc,
    requireAuth,
    handler(async (req, res) => {
      await logout(deps, sessionOf(res), requestMeta(req))
      res.status(201).json({ message: 'Destroy succeed.', status: 'ok' })
    }),
  )
}
