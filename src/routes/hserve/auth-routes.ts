/**
 * Register, login (password, anonymous) and logout routes of the client API. Password logins go
 * through passport-local, one strategy per identifier, on the router's own Passport instance.
 */
import type { Router } from 'express'
import Joi from 'joi'
import { Passport } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import { UserRouterError } from '../../errors.js'
import type { IdentifierKind } from '../../model/user.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { validate } from '../../http/validate.js'
import { login, loginAnonymously, logout, register, type SignedIn } from '../../services/accounts.js'
import type { ServiceDeps } from '../../services/deps.js'
import type { ClientApiContext } from './context.js'
import { toSignedIn } from './wire.js'

/** Identifier kinds served on each version (seeds 000 and 001). */
const KINDS_BY_VERSION: [string, IdentifierKind[]][] = [
  ['v2.0', ['email', 'username']],
  ['v2.1', ['email', 'username', 'phone']],
]

const credentialSchema = (kind: IdentifierKind) =>
  Joi.object({ [kind]: Joi.string().min(1).max(320).required(), password: Joi.string().min(1).max(1024).required() }).required()

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

export function mountAuthRoutes(router: Router, { deps, requireSession }: ClientApiContext): void {
  const passport = createPassport(deps)
  const sendSignedIn = (res: import('express').Response, { user, token }: SignedIn) =>
    res.status(201).set('Cache-Control', 'no-store').json(toSignedIn(user, deps.schema, token))

  for (const [version, kinds] of KINDS_BY_VERSION) {
    for (const kind of kinds) {
      router.post(`/hserve/${version}/register/${kind}`, handler(async (req, res) => {
        const body = validate(credentialSchema(kind), req.body) as Record<string, string>
        sendSignedIn(res, await register(deps, { kind, identifier: body[kind]!, password: body.password! }, requestMeta(req)))
      }))
      router.post(`/hserve/${version}/login/${kind}`, (req, res, next) => {
        try {
          validate(credentialSchema(kind), req.body)
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
    router.post('/hserve/v2.0/login/anonymous', handler(async (req, res) => {
      sendSignedIn(res, await loginAnonymously(deps, requestMeta(req)))
    }))
  }

  router.post('/hserve/v2.0/session/destroy', requireSession, handler(async (req, res) => {
    await logout(deps, sessionOf(res), requestMeta(req))
    res.status(201).json({ message: 'Destroy succeed.', status: 'ok' })
  }))
}
