/**
 * Deleting one's own account through the client API: with the password, an SMS code (purpose
 * `delete`) sent to the verified phone, a link mailed to the verified address, or a recent sign-in,
 * as the account allows (see `account-deletion-proofs.ts`). The link opens a confirmation page;
 * only the page's POST deletes, since mail scanners open links.
 */
import Joi from 'joi'
import { formBody } from '../../http/body-parsers.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required } from '../../http/request-schema.js'
import { codeText, smsCodeSchema } from '../../http/sms-code.js'
import { validate } from '../../http/validate.js'
import { UserRouterError } from '../../errors.js'
import { deleteAccountByLink, deleteOwnAccount, isDeletionLinkLive, requestDeletionLink, sendDeletionCode } from '../../services/account-deletion-proofs.js'
import { baseUrlOf, failPage, sendPage, wantsJson } from './browser-answers.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { deletionFormPage, resultPage } from './email-pages.js'
import { linkTarget, queryToken, tokenQuery } from './email-routes.js'

const DESTROY_PATH = '/hserve/v2.0/user/account/destroy'
/** Where deletion links point, under the router's public URL (the confirmation page, and where it posts). */
const LINK_PATH = `${DESTROY_PATH}/email/confirm`

const destroySchema = object({
  password: optional(Joi.string().min(1).max(1024).description('The current password, for an account that has one.')),
  code: optional(smsCodeSchema.description('An SMS code sent by `.../destroy/code/` to the verified phone.')),
}).required()
const linkSchema = object({ token: required(Joi.string().max(128)) }).required()

const done = { 201: { description: 'Done.', schema: 'StatusOk' } }

export function mountAccountDeletionRoutes({ deps, requireAuth, api, settings }: ClientApiContext): void {
  const destroyDoc = docs.route({
    summary:
      'Delete the own account for good, with `password`, or `code` (an SMS code to the verified phone); an account with neither and no verified e-mail sends `{}` with a token at most `recentSignInSeconds` old',
    auth: 'token',
    body: destroySchema,
    responses: docs.responses(done, [400, 429]),
  })
  api.post(
    DESTROY_PATH,
    destroyDoc,
    requireAuth,
    handler(async (req, res) => {
      const body = validate(destroySchema, req.body ?? {})
      const proof = { ...(body.password === undefined ? {} : { password: body.password }), ...(body.code === undefined ? {} : { code: codeText(body.code) }) }
      await deleteOwnAccount(deps, sessionOf(res), proof, requestMeta(req))
      res.status(201).json({ status: 'ok' })
    }),
  )

  if (deps.sms) {
    const codeDoc = docs.route({ summary: 'Send an SMS code confirming the deletion to the own verified phone', auth: 'token', responses: docs.responses(done, [400, 402]) })
    api.post(
      `${DESTROY_PATH}/code`,
      codeDoc,
      requireAuth,
      handler(async (req, res) => {
        await sendDeletionCode(deps, sessionOf(res).userId, requestMeta(req))
        res.status(201).json({ status: 'ok' })
      }),
    )
  }

  if (!deps.mailer) return
  const language = settings.emailLanguage
  const emailDoc = docs.route({
    summary: 'Mail a link confirming the deletion to the own verified address (accounts without a password or a verified phone)',
    auth: 'token',
    responses: docs.responses({ 201: { description: 'The mail is sent.', schema: 'StatusOk' } }, [400, 429]),
  })
  api.post(
    `${DESTROY_PATH}/email`,
    emailDoc,
    requireAuth,
    handler(async (req, res) => {
      await requestDeletionLink(deps, sessionOf(res).userId, `${baseUrlOf(req, settings)}${LINK_PATH}`, requestMeta(req))
      res.status(201).json({ status: 'ok' })
    }),
  )

  // Opening the link shows the confirmation and leaves the link unused.
  api.get(
    LINK_PATH,
    linkTarget('Deletion link target: the confirmation page (nothing is deleted)', tokenQuery),
    handler(async (req, res) => {
      const token = queryToken(req)
      try {
        if (!(await isDeletionLinkLive(deps, token))) throw new UserRouterError('invalid_link')
      } catch (error) {
        return failPage(settings, req, res, error, 'invalid_link')
      }
      if (wantsJson(req)) res.json({ status: 'ok' })
      else sendPage(res, 200, deletionFormPage(language, token))
    }),
  )

  // The router's body parser only reads JSON; the confirmation page posts urlencoded, on this route only.
  api.post(
    LINK_PATH,
    linkTarget('Delete the account through a deletion link', tokenQuery, linkSchema),
    formBody(),
    handler(async (req, res) => {
      try {
        const { token } = validate(linkSchema, { token: queryToken(req) || undefined, ...(req.body ?? {}) })
        await deleteAccountByLink(deps, token, requestMeta(req))
      } catch (error) {
        return failPage(settings, req, res, error, 'invalid_link')
      }
      if (wantsJson(req)) res.json({ status: 'ok' })
      else sendPage(res, 200, resultPage(language, 'account_deleted'))
    }),
  )
}
