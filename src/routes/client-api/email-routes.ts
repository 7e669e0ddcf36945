/**
 * E-mail verification and password-reset routes of the client API. Served only
 * when the router has a mailer. The two `.../confirm` paths are link targets opened in a browser
 * (no client id: their description says `clientId: false`): they answer small HTML pages, or JSON
 * to a request that prefers `application/json`.
 */
import type { Request } from 'express'
import { formBody } from '../../http/body-parsers.js'
import Joi from 'joi'
import { UserRouterError, isUserRouterError } from '../../errors.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import { isResetLinkLive, requestPasswordReset, resetPassword } from '../../services/email-password-reset.js'
import { confirmEmailVerification, requestEmailVerification } from '../../services/email-verification.js'
import { baseUrlOf, failPage, sendPage, wantsJson } from './browser-answers.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { resetFormPage, resultPage, type ResetFormView } from './email-pages.js'

/** Where verification links point, under the router's public URL. */
const VERIFY_LINK_PATH = '/hserve/v2.0/user/email-verify/confirm'
/** Where reset links point, under the router's public URL (the form, and where it posts). */
const RESET_LINK_PATH = '/hserve/v2.0/user/password/reset/confirm'

const resetRequestSchema = object({ email: required(Joi.string().min(1).max(320)) }).required()
const resetSchema = object({
  token: required(Joi.string().max(128)),
  password: required(Joi.string().min(1).max(1024)),
  // Sent by the HTML form; API clients may leave it out.
  password_confirmation: optional(Joi.string().max(1024).allow('')),
}).required()

/** The `token` query parameter of a link ('' when missing); the form's POST also carries it in its body. */
export function queryToken(req: Request): string {
  const token = req.query.token
  return typeof token === 'string' ? token : ''
}

const created = { 201: { description: 'The mail is sent.', schema: 'StatusOk' } }
/** What a browser gets from a link target (it asks for HTML, or for nothing in particular). */
const PAGE = { 'text/html': { type: 'string', description: 'An HTML page.' } }
/** The link targets: an HTML page for browsers, JSON for callers that prefer it. */
export const linkTarget = (summary: string, query: Joi.Schema, body?: Joi.Schema) =>
  docs.route({
    summary,
    auth: 'none',
    clientId: false,
    query,
    ...(body ? { body, bodyTypes: ['application/json', 'application/x-www-form-urlencoded'] } : {}),
    responses: {
      200: { description: 'Done: a page, or `{"status": "ok"}` with `Accept: application/json`.', schema: 'StatusOk', alsoAs: PAGE },
      400: { description: 'The link is invalid, used or expired (a page, or the error as JSON).', schema: 'MinAppError', alsoAs: PAGE },
      503: { description: 'A dependency is unavailable.', schema: 'MinAppError', alsoAs: PAGE },
    },
  })
export const tokenQuery = Joi.object({ token: Joi.string().max(128) })

export function mountEmailRoutes({ deps, requireAuth, api, settings }: ClientApiContext): void {
  if (!deps.mailer) return
  const language = settings.emailLanguage

  const verifyDoc = docs.route({ summary: 'Mail a verification link to the own address', auth: 'token', responses: docs.responses(created, [400, 429]) })
  api.post(
    '/hserve/v2.0/user/email-verify',
    verifyDoc,
    requireAuth,
    handler(async (req, res) => {
      await requestEmailVerification(deps, sessionOf(res).userId, `${baseUrlOf(req, settings)}${VERIFY_LINK_PATH}`, requestMeta(req))
      res.status(201).json({ status: 'ok' })
    }),
  )

  api.get(
    VERIFY_LINK_PATH,
    linkTarget('Verification link target: marks the address verified', tokenQuery),
    handler(async (req, res) => {
      try {
        await confirmEmailVerification(deps, queryToken(req), requestMeta(req))
      } catch (error) {
        return failPage(settings, req, res, error, 'invalid_link')
      }
      if (wantsJson(req)) res.json({ status: 'ok' })
      else sendPage(res, 200, resultPage(language, 'email_verified'))
    }),
  )

  const resetRequestDoc = docs.route({ summary: 'Mail a password-reset link', auth: 'none', body: resetRequestSchema, responses: docs.responses(created, [400, 404, 429]) })
  api.post(
    '/hserve/v2.0/user/password/reset',
    resetRequestDoc,
    handler(async (req, res) => {
      const { email } = validate(resetRequestSchema, req.body ?? {})
      await requestPasswordReset(deps, email, `${baseUrlOf(req, settings)}${RESET_LINK_PATH}`, requestMeta(req))
      res.status(201).json({ status: 'ok' })
    }),
  )

  const form = (token: string, problem?: ResetFormView['problem']) =>
    resetFormPage(language, { token, minLength: settings.passwordLength.min, maxLength: settings.passwordLength.max, ...(problem ? { problem } : {}) })

  // Showing the form leaves the link unused: mail scanners that open links must not burn it.
  api.get(
    RESET_LINK_PATH,
    linkTarget('Reset link target: the form (the link stays unused)', tokenQuery),
    handler(async (req, res) => {
      const token = queryToken(req)
      try {
        if (!(await isResetLinkLive(deps, token))) throw new UserRouterError('invalid_link')
      } catch (error) {
        return failPage(settings, req, res, error, 'invalid_link')
      }
      if (wantsJson(req)) res.json({ status: 'ok' })
      else sendPage(res, 200, form(token))
    }),
  )

  // The router's body parser only reads JSON; the HTML form posts urlencoded, on this route only.
  api.post(
    RESET_LINK_PATH,
    linkTarget('Set the new password through a reset link', tokenQuery, resetSchema),
    formBody(),
    handler(async (req, res) => {
      const json = wantsJson(req)
      let token = ''
      try {
        const body = validate(resetSchema, { token: queryToken(req) || undefined, ...(req.body ?? {}) })
        token = body.token
        if (body.password_confirmation !== undefined && body.password_confirmation !== body.password) {
          throw new UserRouterError('invalid_request', {
            message: 'password_confirmation: does not match password',
            details: [{ field: 'password_confirmation', message: 'does not match password' }],
          })
        }
        await resetPassword(deps, token, body.password, requestMeta(req))
      } catch (error) {
        // A refused password in the browser: the form again, with the reason (the link is still unused).
        if (!json && token && isUserRouterError(error, 'invalid_request')) {
          const field = error.details?.[0]?.field
          return sendPage(res, 400, form(token, field === 'password_confirmation' ? 'mismatch' : 'length'))
        }
        return failPage(settings, req, res, error, 'invalid_link')
      }
      if (json) res.json({ status: 'ok' })
      else sendPage(res, 200, resultPage(language, 'password_reset'))
    }),
  )
}
