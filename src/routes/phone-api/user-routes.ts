/**
 * The phone API's routes under `/api/v1/users`: validation codes, registration and sign-in by code
 * (answering an `oauth_login_code`), name and password (bearer token), and reset by code. Served
 * with an SMS sender only, except `update`.
 */
import Joi from 'joi'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required } from '../../http/request-schema.js'
import { codeText, smsCodeSchema } from '../../http/sms-code.js'
import { validate } from '../../http/validate.js'
import { loginWithCode, registerWithCode, resetWithCode, sendValidationCode, setNameAndPassword, type ValidationCodeType } from '../../services/phone-accounts.js'
import type { PhoneApiContext } from './context.js'
import { refuseCrossSiteRequests } from './cross-site.js'
import { docs } from './docs.js'
import { phoneApiSuccess } from './wire.js'

const phone = Joi.string().min(1).max(64)
const password = Joi.string().min(1).max(1024)

const validationCodeSchema = object({ phone: required(phone), type: required(Joi.string().valid('1', '2', '3')) }).required()
const codeSchema = object({ phone: required(phone), validation_code: required(smsCodeSchema) }).required()
const updateSchema = object({
  name: required(Joi.string().min(1).max(320)),
  password: required(password),
  password_confirmation: required(password),
  current_password: optional(password.description('The current password; required when the account already has one (not after an SMS sign-up).')),
}).required()
const resetSchema = object({
  phone: required(phone),
  validation_code: required(smsCodeSchema),
  password: required(password),
  password_confirmation: required(password),
}).required()

const BASE = '/api/v1/users'

const done = { description: '`{"result": 1}`', schema: 'PhoneApiSuccess' }
const loginCodeAnswer = { description: 'An `oauth_login_code` for the token endpoint.', schema: 'PhoneApiLoginCode' }

export function mountUserRoutes({ deps, requireAuth, api, settings }: PhoneApiContext): void {
  const updateDoc = docs.route({
    summary: 'Set the username and password (bearer token; `current_password` when the account has one)',
    auth: 'bearer',
    body: updateSchema,
    responses: docs.responses({ 200: done }, [400, 401, 403, 429]),
  })
  api.put(
    `${BASE}/update`,
    updateDoc,
    requireAuth,
    handler(async (req, res) => {
      const body = validate(updateSchema, req.body)
      const input = { name: body.name, password: body.password, confirmation: body.password_confirmation, currentPassword: body.current_password }
      await setNameAndPassword(deps, sessionOf(res), input, requestMeta(req))
      res.json(phoneApiSuccess())
    }),
  )

  if (!deps.sms) return

  const codeDoc = docs.route({
    summary: 'Send an SMS code: type 1 register, 2 login, 3 reset',
    auth: 'none',
    query: validationCodeSchema,
    responses: docs.responses({ 200: done }, [400, 402, 403, 404]),
  })
  api.get(
    `${BASE}/validation_code`,
    codeDoc,
    refuseCrossSiteRequests(settings.cors),
    handler(async (req, res) => {
      const query = validate(validationCodeSchema, req.query)
      await sendValidationCode(deps, { phone: query.phone, type: Number(query.type) as ValidationCodeType }, requestMeta(req))
      res.json(phoneApiSuccess())
    }),
  )

  for (const [path, run] of [
    ['register', registerWithCode],
    ['login', loginWithCode],
  ] as const) {
    const summary = path === 'register' ? 'Register a phone with a type 1 code' : 'Sign in with a type 2 code'
    const errors = path === 'login' ? [400, 403, 404, 429] : [400, 404, 429]
    const doc = docs.route({ summary, auth: 'none', body: codeSchema, responses: docs.responses({ 200: loginCodeAnswer }, errors) })
    api.post(
      `${BASE}/${path}`,
      doc,
      handler(async (req, res) => {
        const body = validate(codeSchema, req.body)
        const loginCode = await run(deps, { phone: body.phone, code: codeText(body.validation_code) }, requestMeta(req))
        res.set('Cache-Control', 'no-store').json(phoneApiSuccess({ oauth_login_code: loginCode }))
      }),
    )
  }

  const resetDoc = docs.route({ summary: 'Reset the password with a type 3 code', auth: 'none', body: resetSchema, responses: docs.responses({ 200: done }, [400, 404, 429]) })
  api.put(
    `${BASE}/reset`,
    resetDoc,
    handler(async (req, res) => {
      const body = validate(resetSchema, req.body)
      await resetWithCode(deps, { phone: body.phone, code: codeText(body.validation_code), password: body.password, confirmation: body.password_confirmation }, requestMeta(req))
      res.json(phoneApiSuccess())
    }),
  )
}
