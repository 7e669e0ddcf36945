/**
 * SMS code routes of the client API (SPEC sections 4 and 5), served only when an SMS sender is
 * configured. Every route here issues or accepts one kind of code, purpose `client`: the MinApp
 * SDK sends a code (`sendSmsCode`) and then uses it for any of login, verify or phone verification.
 * A token sent to the send and verify routes is not needed and not looked at.
 */
import type { Router } from 'express'
import Joi from 'joi'
import { UserRouterError } from '../../errors.js'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { codeText, smsCodeSchema } from '../../http/sms-code.js'
import { validate } from '../../http/validate.js'
import { sendSmsCode, verifySmsCode } from '../../services/sms-codes.js'
import { loginWithSmsCode, verifyUserPhone } from '../../services/sms-accounts.js'
import type { ClientApiContext } from './context.js'
import { toSignedIn } from './wire.js'

const phone = Joi.string().min(1).max(64)
const code = smsCodeSchema

const sendSchema = Joi.object({ phone: phone.required() }).required()
const verifySchema = Joi.object({ phone: phone.required(), code: code.required() }).required()
const loginSchema = Joi.object({ phone: phone.required(), code: code.required(), create_user: Joi.boolean().default(true) }).required()
const phoneVerificationSchema = Joi.object({ phone, code: code.required() }).required()

export function mountSmsRoutes(router: Router, { deps, requireSession }: ClientApiContext): void {
  if (!deps.sms) return

  for (const version of ['v1.8', 'v2.2']) {
    router.post(`/hserve/${version}/sms-verification-code`, handler(async (req, res) => {
      const body = validate(sendSchema, req.body) as { phone: string }
      const meta = requestMeta(req)
      await sendSmsCode(deps, { phone: body.phone, purpose: 'client', ip: meta.ip, clientId: meta.clientId })
      res.json({ status: 'ok' })
    }))
  }

  router.post('/hserve/v1.8/sms-verification-code/verify', handler(async (req, res) => {
    const body = validate(verifySchema, req.body) as { phone: string; code: string | number }
    const meta = requestMeta(req)
    const ok = await verifySmsCode(deps, { phone: body.phone, purpose: 'client', code: codeText(body.code), ip: meta.ip, clientId: meta.clientId })
    if (!ok) throw new UserRouterError('invalid_code')
    res.json({ status: 'ok' })
  }))

  router.post('/hserve/v2.1/login/sms', handler(async (req, res) => {
    const body = validate(loginSchema, req.body) as { phone: string; code: string | number; create_user: boolean }
    const { user, token } = await loginWithSmsCode(deps, { phone: body.phone, code: codeText(body.code), createUser: body.create_user }, requestMeta(req))
    res.status(201).set('Cache-Control', 'no-store').json(toSignedIn(user, deps.schema, token))
  }))

  router.post('/hserve/v2.1/sms-phone-verification', requireSession, handler(async (req, res) => {
    const body = validate(phoneVerificationSchema, req.body) as { phone?: string; code: string | number }
    await verifyUserPhone(deps, sessionOf(res).userId, { phone: body.phone, code: codeText(body.code) }, requestMeta(req))
    res.json({ status: 'ok' })
  }))
}
