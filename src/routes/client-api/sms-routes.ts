/**
 * SMS code routes of the client API, served only when an SMS sender is
 * configured. Every route here issues or accepts one kind of code, purpose `client`: the MinApp
 * SDK sends a code (`sendSmsCode`) and then uses it for any of login, verify or phone verification.
 * A token sent to the send and verify routes is not needed and not looked at.
 */
import Joi from 'joi'
import { UserRouterError } from '../../errors.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required, withDefault } from '../../http/request-schema.js'
import { codeText, smsCodeSchema } from '../../http/sms-code.js'
import { validate } from '../../http/validate.js'
import { sendSmsCode, verifySmsCode } from '../../services/sms-codes.js'
import { loginWithSmsCode, verifyUserPhone } from '../../services/sms-accounts.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { toSignedIn } from './wire.js'

const phone = Joi.string().min(1).max(64)
const code = smsCodeSchema

const sendSchema = object({ phone: required(phone) }).required()
const verifySchema = object({ phone: required(phone), code: required(code) }).required()
const loginSchema = object({ phone: required(phone), code: required(code), create_user: withDefault(Joi.boolean(), true) }).required()
const phoneVerificationSchema = object({ phone: optional(phone), code: required(code) }).required()

const ok = { 200: { description: 'Done.', schema: 'StatusOk' } }

export function mountSmsRoutes({ deps, requireAuth, api }: ClientApiContext): void {
  if (!deps.sms) return

  for (const version of ['v1.8', 'v2.2']) {
    const doc = docs.route({ summary: 'Send an SMS code to a phone', auth: 'optionalToken', body: sendSchema, responses: docs.responses(ok, [400, 402]) })
    api.post(
      `/hserve/${version}/sms-verification-code`,
      doc,
      handler(async (req, res) => {
        const body = validate(sendSchema, req.body)
        const meta = requestMeta(req)
        await sendSmsCode(deps, { phone: body.phone, purpose: 'client', ip: meta.ip, clientId: meta.clientId })
        res.json({ status: 'ok' })
      }),
    )
  }

  const verifyDoc = docs.route({ summary: 'Check (and use up) an SMS code', auth: 'optionalToken', body: verifySchema, responses: docs.responses(ok, [400, 429]) })
  api.post(
    '/hserve/v1.8/sms-verification-code/verify',
    verifyDoc,
    handler(async (req, res) => {
      const body = validate(verifySchema, req.body)
      const meta = requestMeta(req)
      const ok = await verifySmsCode(deps, { phone: body.phone, purpose: 'client', code: codeText(body.code), ip: meta.ip, clientId: meta.clientId })
      if (!ok) throw new UserRouterError('invalid_code')
      res.json({ status: 'ok' })
    }),
  )

  const loginDoc = docs.route({
    summary: 'Sign in with an SMS code (creates the account unless create_user is false)',
    auth: 'none',
    body: loginSchema,
    responses: docs.responses({ 201: { description: 'The user, with a token.', schema: 'SignedIn' } }, [400, 403, 404, 429]),
  })
  api.post(
    '/hserve/v2.1/login/sms',
    loginDoc,
    handler(async (req, res) => {
      const body = validate(loginSchema, req.body)
      const { user, token } = await loginWithSmsCode(deps, { phone: body.phone, code: codeText(body.code), createUser: body.create_user }, requestMeta(req))
      res
        .status(201)
        .set('Cache-Control', 'no-store')
        .json(toSignedIn(user, deps.schema, token))
    }),
  )

  const phoneDoc = docs.route({ summary: 'Verify the own phone with an SMS code', auth: 'token', body: phoneVerificationSchema, responses: docs.responses(ok, [400, 429]) })
  api.post(
    '/hserve/v2.1/sms-phone-verification',
    phoneDoc,
    requireAuth,
    handler(async (req, res) => {
      const body = validate(phoneVerificationSchema, req.body)
      await verifyUserPhone(deps, sessionOf(res).userId, { phone: body.phone, code: codeText(body.code) }, requestMeta(req))
      res.json({ status: 'ok' })
    }),
  )
}
