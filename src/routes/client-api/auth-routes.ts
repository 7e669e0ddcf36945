/**
 * Register, login (password, anonymous) and logout routes of the client API. Password logins go
 * through passport-local, one strategy per identifier, on the router's own Passport instance.
 */
import Joi from 'joi'
import { Passport } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import { UserRouterError } from '../../errors.js'
import type { IdentifierKind } from '../../model/user.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { named, object, required } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { login, loginAnonymously, logout, register, type SignedIn } from '../../services/accounts.js'
import type { ServiceDeps } from '../../services/deps.js'
import type { ClientApiContext } from './context.js'
import { clientResponses, clientRoute } from './docs.js'
import { toSignedIn } from './wire.js'

/** Identifier kinds served on each version. */
const KINDS_BY_VERSION: [string, IdentifierKind[]][] = [
  ['v2.0', ['email', 'username']],
  ['v2.1', ['email', 'username', 'phone']],
]

const credentialSchema = <K extends IdentifierKind>(kind: K) =>
  object({ ...named(kind, required(Joi.string().min(1).max(320))), password: required(Joi.string().min(1).max(1024)) }).required()

function createPassport(deps: ServiceDeps): InstanceType<typeof Passport> {
  const passport = new Passport()
  for (const kind of ['username', 'email', 'phone'] as const) {
    const strategy = new LocalStrategy(
      { usernameField: kind, passwordField: 'password', passReqToCallback: true, session: false },
      (req, identifier, password, done) => {
        login(deps, { kind, identifier, password }, requestMeta(req)).then((signedIn) => done(null, signedIn ?? false), done)
      },
    )
    passport.use(`hserve-${kind}`, strategy)
  }
  return passport
}

export function mountAuthRoutes({ deps, requireSession, api }: ClientApiContext): void {
  const passport = createPassport(deps)
  const sendSignedIn = (res: import('express').Response, { user, token }: SignedIn) =>
    res.status(201).set('Cache-Control', 'no-store').json(toSignedIn(user, deps.schema, token))

  const signedInAnswer = { 201: { description: 'The user, with a token.', schema: 'SignedIn' } }
  for (const [version, kinds] of KINDS_BY_VERSION) {
    for (const kind of kinds) {
      const credential = credentialSchema(kind)
      const registerDoc = clientRoute({ summary: `Register with ${kind} and password`, auth: 'none', body: credential, responses: clientResponses(signedInAnswer, [400, 429]) })
      api.post(`/hserve/${version}/register/${kind}`, registerDoc, handler(async (req, res) => {
        const body = validate(credential, req.body)
        sendSignedIn(res, await register(deps, { kind, identifier: body[kind], password: body.password }, requestMeta(req)))
      }))
      const loginDoc = clientRoute({ summary: `Sign in with ${kind} and password`, auth: 'none', body: credential, responses: clientResponses(signedInAnswer, [400, 429]) })
      api.post(`/hserve/${version}/login/${kind}`, loginDoc, (req, res, next) => {
        try {
          validate(credential, req.body)
        } catch (error) {
          return next(error)
        }
        passport.authenticate(`hserve-${kind}`, { session: false }, (error: unknown, signedIn: SignedIn | false) => {
          if (error) return next(error)
          if (!signedIn) return next(new UserRouterError('invalid_credentials'))
          sendSignedIn(res, signedIn)
        })(req, res, next)
      })
    }
  }

  if (deps.config.anonymousLogin) {
    const doc = clientRoute({ summary: 'Sign in as a new anonymous user', auth: 'none', responses: clientResponses({ 201: { description: 'The new user, with a token.', schema: 'SignedIn' } }, [429]) })
    api.post('/hserve/v2.0/login/anonymous', doc, handler(async (req, res) => {
      sendSignedIn(res, await loginAnonymously(deps, requestMeta(req)))
    }))
  }

  const destroyDoc = clientRoute({ summary: 'Sign out (end this token)', auth: 'token', responses: clientResponses({ 201: { description: 'Signed out.', schema: 'SessionDestroyed' } }) })
  api.post('/hserve/v2.0/session/destroy', destroyDoc, requireSession, handler(async (req, res) => {
    await logout(deps, sessionOf(res), requestMeta(req))
    res.status(201).json({ message: 'Destroy succeed.', status: 'ok' })
  }))
}
