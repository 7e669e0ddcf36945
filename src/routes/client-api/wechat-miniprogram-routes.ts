/**
 * The WeChat mini program's routes of the client API (`identityProviders.wechatMiniProgram`), as
 * the MinApp SDK's mini program build (`wx.BaaS.auth`) calls them: silent sign-in with a
 * `wx.login` code, sign-in with a phone, linking, and the profile and phone of the signed-in user.
 * Mounted before the `/idp/:provider/...` routes, whose paths would otherwise take these.
 */
import Joi from 'joi'
import { sessionOf } from '../../http/auth.js'
import { handler } from '../../http/handler.js'
import { noStore } from '../../http/no-store.js'
import { requestMeta } from '../../http/request-meta.js'
import { object, optional, required, withDefault } from '../../http/request-schema.js'
import { validate } from '../../http/validate.js'
import type { UserSchema } from '../../model/schema.js'
import type { WechatServiceDeps } from '../../services/deps.js'
import { linkWechat, updateWechatProfile, type WechatSignedIn, wechatAuthenticate, wechatSilentLogin } from '../../services/wechat-miniprogram-accounts.js'
import { updateWechatPhone, type WechatPhoneLogin, wechatPhoneLogin } from '../../services/wechat-miniprogram-phones.js'
import { toWireUser } from '../minapp/wire.js'
import type { ClientApiContext } from './context.js'
import { docs } from './docs.js'
import { profileUpdateOf, updateProfileField } from './profile-update.js'
import { toSilentSignedIn } from './wire.js'

const PATH = '/idp/wechat'

/** A one-time code of `wx.login` or of the `getPhoneNumber` button. */
const oneTimeCode = Joi.string().max(256)
/** Base64 data of `wx.getUserProfile` or `getPhoneNumber`, within the 16 KiB body. */
const base64Text = Joi.string().max(8192)

const silentSchema = object({
  code: required(oneTimeCode),
  create_user: withDefault(Joi.boolean(), true),
  login_with_unionid: withDefault(Joi.boolean(), false),
}).required()
const associateSchema = object({ code: required(oneTimeCode), associate_with_unionid: optional(Joi.boolean()) }).required()
/** `wx.getUserProfile` data with the `wx.login` code of the same session. */
const userData = {
  code: required(oneTimeCode),
  rawData: required(Joi.string().max(8192)),
  signature: required(Joi.string().max(64)),
  encryptedData: required(base64Text),
  iv: required(Joi.string().max(64)),
  update_userprofile: updateProfileField,
}
const userInfoSchema = object(userData).required()
const authenticateSchema = object({ ...userData, create_user: withDefault(Joi.boolean(), true) }).required()
const phoneLoginSchema = object({
  code: required(oneTimeCode),
  phone_code: required(oneTimeCode),
  encryptedData: optional(base64Text),
  iv: optional(Joi.string().max(64)),
  create_user: withDefault(Joi.boolean(), true),
}).required()
const oldPhoneLoginSchema = object({
  code: required(oneTimeCode),
  encryptedData: required(base64Text),
  iv: required(Joi.string().max(64)),
  create_user: withDefault(Joi.boolean(), true),
}).required()
const phoneUpdateSchema = object({
  phone_code: required(oneTimeCode),
  encryptedData: optional(base64Text),
  iv: optional(Joi.string().max(64)),
  overwrite: withDefault(Joi.boolean(), true),
}).required()

/** The answer of a mini program sign-in: the silent sign-in's, with the person's WeChat ids. */
function toWechatSignedIn(signedIn: WechatSignedIn, schema: UserSchema): Record<string, unknown> {
  return { ...toSilentSignedIn(signedIn.user, schema, signedIn.token), openid: signedIn.openId, unionid: signedIn.unionId }
}

const signedInDoc = { 201: { description: 'The user as `user_info`, with a token and the WeChat ids.', schema: 'WechatSignedIn' } }
const userDoc = { 200: { description: 'The user.', schema: 'User' } }

export function mountWechatMiniProgramRoutes({ deps, requireAuth, api, settings }: ClientApiContext): void {
  if (!settings.wechatMiniProgram) return
  const wechatDeps: WechatServiceDeps = { ...deps, wechat: settings.wechatMiniProgram }

  api.post(
    `/hserve/v2.5${PATH}/silent-login`,
    docs.route({
      summary: 'Sign in with a WeChat mini program `wx.login` code',
      auth: 'none',
      body: silentSchema,
      responses: docs.responses(signedInDoc, [400, 403, 404]),
    }),
    handler(async (req, res) => {
      const body = validate(silentSchema, req.body)
      const input = { code: body.code, createUser: body.create_user, withUnionId: body.login_with_unionid }
      const signedIn = await wechatSilentLogin(wechatDeps, input, requestMeta(req))
      noStore(res).status(201).json(toWechatSignedIn(signedIn, deps.schema))
    }),
  )

  api.post(
    `/hserve/v2.4${PATH}/user-associate`,
    docs.route({
      summary: "Link a WeChat mini program's `wx.login` code's account to the signed-in user",
      auth: 'token',
      body: associateSchema,
      responses: docs.responses({ 200: { description: 'Linked.', schema: 'StatusOk' } }, [400]),
    }),
    requireAuth,
    handler(async (req, res) => {
      const body = validate(associateSchema, req.body)
      await linkWechat(wechatDeps, sessionOf(res).userId, body.code, requestMeta(req))
      res.json({ status: 'ok' })
    }),
  )

  api.post(
    `/hserve/v2.5${PATH}/authenticate`,
    docs.route({
      summary: 'Sign in with signed and encrypted WeChat mini program user data (creates the user unless create_user is false)',
      auth: 'none',
      body: authenticateSchema,
      responses: docs.responses(signedInDoc, [400, 403, 404]),
    }),
    handler(async (req, res) => {
      const body = validate(authenticateSchema, req.body)
      const input = { ...body, updateProfile: profileUpdateOf(body.update_userprofile), createUser: body.create_user }
      const signedIn = await wechatAuthenticate(wechatDeps, input, requestMeta(req))
      noStore(res).status(201).json(toWechatSignedIn(signedIn, deps.schema))
    }),
  )

  api.put(
    `/hserve/v2.6${PATH}/user/info`,
    docs.route({
      summary: "Fill the signed-in user's profile from signed WeChat mini program user data",
      auth: 'token',
      body: userInfoSchema,
      responses: docs.responses(userDoc, [400]),
    }),
    requireAuth,
    handler(async (req, res) => {
      const body = validate(userInfoSchema, req.body)
      const input = { ...body, updateProfile: profileUpdateOf(body.update_userprofile) }
      const user = await updateWechatProfile(wechatDeps, sessionOf(res).userId, input)
      noStore(res).json(toWireUser(user, deps.schema, { full: true }))
    }),
  )

  const phoneLogin = (inputOf: (body: unknown) => WechatPhoneLogin) =>
    handler(async (req, res) => {
      const signedIn = await wechatPhoneLogin(wechatDeps, inputOf(req.body), requestMeta(req))
      noStore(res).status(201).json(toWechatSignedIn(signedIn, deps.schema))
    })
  const phoneLoginResponses = docs.responses(signedInDoc, [400, 403, 404])
  api.post(
    `/hserve/v2.7${PATH}/phone-login`,
    docs.route({ summary: 'Sign in with a WeChat mini program phone (`getPhoneNumber` code)', auth: 'none', body: phoneLoginSchema, responses: phoneLoginResponses }),
    phoneLogin((raw) => {
      const body = validate(phoneLoginSchema, raw)
      return { code: body.code, phoneCode: body.phone_code, encryptedData: body.encryptedData, iv: body.iv, createUser: body.create_user }
    }),
  )
  api.post(
    `/hserve/v2.5${PATH}/phone-login`,
    docs.route({
      summary: 'Sign in with a WeChat mini program phone (encrypted, base library before 2.21.2)',
      auth: 'none',
      body: oldPhoneLoginSchema,
      responses: phoneLoginResponses,
    }),
    phoneLogin((raw) => {
      const body = validate(oldPhoneLoginSchema, raw)
      return { code: body.code, encryptedData: body.encryptedData, iv: body.iv, createUser: body.create_user }
    }),
  )

  api.put(
    `/hserve/v2.7${PATH}/phone-verification`,
    docs.route({
      summary: "Set the signed-in user's phone from a WeChat mini program `getPhoneNumber` code",
      auth: 'token',
      body: phoneUpdateSchema,
      responses: docs.responses(userDoc, [400]),
    }),
    requireAuth,
    handler(async (req, res) => {
      const body = validate(phoneUpdateSchema, req.body)
      const user = await updateWechatPhone(wechatDeps, sessionOf(res), { phoneCode: body.phone_code, overwrite: body.overwrite }, requestMeta(req))
      noStore(res).json(toWireUser(user, deps.schema, { full: true }))
    }),
  )
}
