/**
 * Third-party sign-in routes of the client API, served with `identityProviders`, as the MinApp web
 * SDK calls them. The app's page asks for the provider's authorization URL (`redirect`); the
 * provider sends the browser back to the router's `callback` (a browser target: no client id),
 * which sends it on to the app's page with an auth token; the page trades the token for a session
 * (`authenticate`, `silent-login`) or links the identity to the signed-in user (`user-association`).
 */
import type { Request } from 'express'
import Joi from 'joi'
import { optionalSessionOf, sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { noStore } from '../../http/no-store.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required, withDefault } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import type { IdentityServiceDeps } from '../../services/deps.js'
import { linkIdentityToUser, signInWithIdentity } from '../../services/identity-accounts.js'
import { completeSignIn, startSignIn } from '../../services/identity-redirects.js'
import { baseUrlOf, failPage } from './browser-answers.js'
import type { ClientApiContext, ClientApiSettings } from './context.js'
import { docs } from './docs.js'
import { profileUpdateOf, updateProfileField } from './profile-update.js'
import { toSignedIn, toSilentSignedIn } from './wire.js'

const PROVIDER_PATH = '/hserve/v2.0/idp/:provider'

const authToken = required(Joi.string().max(128))

const redirectSchema = object({ callback_url: required(Joi.string().min(1).max(2048)), silent_login: optional(Joi.boolean()) }).required()
const authenticateSchema = object({ auth_token: authToken, create_user: withDefault(Joi.boolean(), true), update_userprofile: updateProfileField }).required()
const associationSchema = object({ auth_token: authToken, update_userprofile: updateProfileField }).required()
const silentSchema = object({ auth_token: authToken, create_user: withDefault(Joi.boolean(), true) }).required()
const callbackQuery = Joi.object({
  state: Joi.string().description('The state the router gave the provider.'),
  code: Joi.string().description("The provider's authorization code."),
  error: Joi.string().description('Why the provider did not sign the user in.'),
}).unknown(true)

/** The `:provider` of the path (the services answer 404 for a name they do not know). */
const providerParam = (req: Request): string => String(req.params.provider)

/** The router's callback route for the provider, absolute: the redirect URI the provider is given. */
function redirectUriOf(req: Request, settings: ClientApiSettings, provider: string): string {
  return `${baseUrlOf(req, settings)}/hserve/v2.0/idp/${encodeURIComponent(provider)}/callback/`
}

const signedIn = { 201: { description: 'The user, with a token.', schema: 'SignedIn' } }
/** What a browser gets from the callback when it fails. */
const PAGE = { 'text/html': { type: 'string', description: 'An HTML page.' } }

export function mountIdentityRoutes({ deps, requireAuth, api, settings }: ClientApiContext): void {
  if (!settings.identity) return
  const identityDeps: IdentityServiceDeps = { ...deps, identity: settings.identity }

  const redirectDoc = docs.route({
    summary: "Start a third-party sign-in: the provider's authorization URL (with the user's token, the sign-in may link the identity to that user)",
    auth: 'optionalToken',
    body: redirectSchema,
    responses: docs.responses({ 200: { description: 'Where to send the browser.', schema: 'ProviderRedirect' } }, [400, 404]),
  })
  api.post(
    `${PROVIDER_PATH}/redirect`,
    redirectDoc,
    handler(async (req, res) => {
      const body = validate(redirectSchema, req.body)
      const provider = providerParam(req)
      // The signed-in user whose page starts it (the SDK sends its token), the only one who may link the identity.
      const startedBy = (await optionalSessionOf(deps.sessions, req.get('authorization')))?.userId ?? null
      const redirectUrl = await startSignIn(identityDeps, provider, body.callback_url, redirectUriOf(req, settings, provider), startedBy, requestMeta(req))
      noStore(res).json({ status: 'ok', redirect_url: redirectUrl })
    }),
  )

  const callbackDoc = docs.route({
    summary: "The provider's callback (a browser target): on to the app's page with `token`",
    auth: 'none',
    clientId: false,
    query: callbackQuery,
    responses: {
      303: { description: "To the page's `callback_url`, with the auth token as its `token` query parameter." },
      400: { description: 'Unknown, used or expired state, or the provider did not confirm the sign-in (a page, or the error as JSON).', schema: 'MinAppError', alsoAs: PAGE },
      404: { description: 'No provider of this name.', schema: 'MinAppError', alsoAs: PAGE },
      503: { description: 'The provider or a dependency is unavailable.', schema: 'MinAppError', alsoAs: PAGE },
    },
  })
  api.get(
    `${PROVIDER_PATH}/callback`,
    callbackDoc,
    handler(async (req, res) => {
      const provider = providerParam(req)
      let target: string
      try {
        const callback = new URL(redirectUriOf(req, settings, provider))
        callback.search = new URL(req.originalUrl, 'http://localhost').search
        target = await completeSignIn(identityDeps, provider, callback)
      } catch (error) {
        return failPage(settings, req, res, error, 'sign_in_failed')
      }
      noStore(res).status(303).set('Referrer-Policy', 'no-referrer').location(target).end()
    }),
  )

  const authenticateDoc = docs.route({
    summary: 'Sign in with an auth token of a third-party sign-in',
    auth: 'none',
    body: authenticateSchema,
    responses: docs.responses(signedIn, [400, 403, 404]),
  })
  api.post(
    `${PROVIDER_PATH}/authenticate`,
    authenticateDoc,
    handler(async (req, res) => {
      const body = validate(authenticateSchema, req.body)
      const input = { createUser: body.create_user, updateProfile: profileUpdateOf(body.update_userprofile) }
      const { user, token } = await signInWithIdentity(identityDeps, providerParam(req), body.auth_token, input, requestMeta(req))
      noStore(res)
        .status(201)
        .json(toSignedIn(user, deps.schema, token))
    }),
  )

  const associationDoc = docs.route({
    summary: "Link a third-party sign-in's account to the signed-in user",
    auth: 'token',
    body: associationSchema,
    responses: docs.responses({ 200: { description: 'Linked.', schema: 'StatusOk' } }, [400, 404]),
  })
  api.post(
    `${PROVIDER_PATH}/user-association`,
    associationDoc,
    requireAuth,
    handler(async (req, res) => {
      const body = validate(associationSchema, req.body)
      await linkIdentityToUser(identityDeps, sessionOf(res).userId, providerParam(req), body.auth_token, profileUpdateOf(body.update_userprofile), requestMeta(req))
      res.json({ status: 'ok' })
    }),
  )

  const silentDoc = docs.route({
    summary: 'Sign in silently with an auth token of a third-party sign-in',
    auth: 'none',
    body: silentSchema,
    responses: docs.responses({ 201: { description: 'The user as `user_info`, with a token.', schema: 'SilentSignedIn' } }, [400, 403, 404]),
  })
  api.post(
    '/hserve/v2.5/idp/:provider/silent-login',
    silentDoc,
    handler(async (req, res) => {
      const body = validate(silentSchema, req.body)
      const input = { createUser: body.create_user, updateProfile: 'setnx' as const }
      const { user, token } = await signInWithIdentity(identityDeps, providerParam(req), body.auth_token, input, requestMeta(req))
      noStore(res)
        .status(201)
        .json(toSilentSignedIn(user, deps.schema, token))
    }),
  )
}
