/**
 * The routes of seed 003 under `/api/v1/users`: validation codes, registration and sign-in by code
 * (answering an `oauth_login_code`), name and password (bearer token), and reset by code. Served
 * with an SMS sender only, except `update`.
 */
import type { RequestHandler, Router } from 'express'
import Joi from 'joi'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { codeText, smsCodeSchema } from '../../http/sms-code.js'
import { validate } from '../../http/validate.js'
import type { ServiceDeps } from '../../services/deps.js'
import { loginWithCode, registerWithCode, resetWithCode, sendValidationCode, setNameAndPassword, type ValidationCodeType } from '../../services/phone-accounts.js'
import { phoneApiSuccess } from './wire.js'

const phone = Joi.string().min(1).max(64)
const password = Joi.string().min(1).max(1024)

const validationCodeSchema = Joi.object({ phone: phone.required(), type: Joi.string().valid('1', '2', '3').required() }).required()
const codeSchema = Joi.object({ phone: phone.required(), validation_code: smsCodeSchema.required() }).required()
const updateSchema = Joi.object({ name: Joi.string().min(1).max(320).required(), password: password.required(), password_confirmation: password.required() }).required()
const resetSchema = Joi.object({
  phone: phone.required(),
  validation_code: smsCodeSchema.required(),
  password: password.required(),
  password_confirmation: password.required(),
}).required()

const BASE = '/api/v1/users'

export function mountPhoneUserRoutes(router: Router, deps: ServiceDeps, requireSession: RequestHandler): void {
  router.put(`${BASE}/update`, requireSession, handler(async (req, res) => {
    const body = validate(updateSchema, req.body) as { name: string; password: string; password_confirmation: string }
    await setNameAndPassword(deps, sessionOf(res), { name: body.name, password: body.password, confirmation: body.password_confirmation }, requestMeta(req))
    res.json(phoneApiSuccess())
  }))

  if (!deps.sms) return

  router.get(`${BASE}/validation_code`, handler(async (req, res) => {
    const query = validate(validationCodeSchema, req.query) as { phone: string; type: string }
    await sendValidationCode(deps, { phone: query.phone, type: Number(query.type) as ValidationCodeType }, requestMeta(req))
    res.json(phoneApiSuccess())
  }))

  for (const [path, run] of [['register', registerWithCode], ['login', loginWithCode]] as const) {
    router.post(`${BASE}/${path}`, handler(async (req, res) => {
      const body = validate(codeSchema, req.body) as { phone: string; validation_code: string | number }
      const loginCode = await run(deps, { phone: body.phone, code: codeText(body.validation_code) }, requestMeta(req))
      res.set('Cache-Control', 'no-store').json(phoneApiSuccess({ oauth_login_code: loginCode }))
    }))
  }

  router.put(`${BASE}/reset`, handler(async (req, res) => {
    const body = validate(resetSchema, req.body) as { phone: string; validation_code: string | number; password: string; password_confirmation: string }
    await resetWithCode(
      deps,
      { phone: body.phone, code: codeText(body.validation_code), password: body.password, confirmation: body.password_confirmation },
      requestMeta(req),
    )
    res.json(phoneApiSuccess())
  }))
}
