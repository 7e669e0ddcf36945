/**
 * Phones a WeChat mini program proves (the `getPhoneNumber` button). WeChat's word proves the
 * number, but never moves it between accounts: a phone another user has is refused with
 * `phone_taken`, and the openid is never merged into that user. Sign in by SMS code to reach it.
 */
import { UserRouterError, fieldError, isUserRouterError } from '../errors.js'
import { normalizePhone } from '../model/identifiers.js'
import { storableProviderInfo } from '../model/provider-info.js'
import type { JsonObject, StoredUser } from '../model/user.js'
import type { WechatMiniProgramSession, WechatPhoneNumber } from '../ports.js'
import { signIn } from './accounts.js'
import { isRecentSignIn, proveCurrentPassword } from './current-password.js'
import type { RequestMeta, ServiceDeps, WechatServiceDeps } from './deps.js'
import type { Session } from './sessions.js'
import { refuseSuspended } from './sign-in-guard.js'
import { markPhoneVerified } from './sms-accounts.js'
import { sessionProfile, WECHAT, type WechatSignedIn, withIds } from './wechat-miniprogram-accounts.js'

/** Where the phone is: the button's code (base library 2.21.2 and later), or data encrypted with the session key. */
export interface WechatPhoneProof {
  phoneCode?: string
  encryptedData?: string
  iv?: string
}

/** The stored form of WeChat's number: mainland numbers as their 11 digits, others in E.164. */
function storedPhone(countryCode: unknown, purePhone: unknown): string {
  const phone = typeof countryCode === 'string' && typeof purePhone === 'string' ? normalizePhone(`+${countryCode}${purePhone}`) : null
  if (phone === null) throw new UserRouterError('provider_failed', { message: 'WeChat phone number: not a phone number' })
  return phone
}

/** The phone of a `getPhoneNumber` code. */
async function codePhone(deps: WechatServiceDeps, phoneCode: string): Promise<string> {
  const number: WechatPhoneNumber = await deps.wechat.phoneNumber(phoneCode)
  return storedPhone(number.countryCode, number.purePhone)
}

/** The phone of `proof`: its code, else its encrypted data with the session key. */
async function provenPhone(deps: WechatServiceDeps, session: WechatMiniProgramSession, proof: WechatPhoneProof): Promise<string> {
  if (proof.phoneCode) return codePhone(deps, proof.phoneCode)
  if (!proof.encryptedData || !proof.iv) throw fieldError('invalid_request', 'phone_code', 'is required (or encryptedData and iv)')
  const data: JsonObject = deps.wechat.decryptUserData(proof.encryptedData, proof.iv, session.sessionKey)
  const countryCode = typeof data.countryCode === 'number' ? String(data.countryCode) : data.countryCode
  return storedPhone(countryCode, data.purePhoneNumber)
}

/** `phone_taken` when a user other than `userId` has the phone. */
async function checkPhoneFree(deps: ServiceDeps, phone: string, userId: number | null): Promise<void> {
  const holder = await deps.store.getUserByIdentifier('phone', phone)
  if (holder && holder.id !== userId) throw new UserRouterError('phone_taken')
}

/** A new user with the openid and the verified phone, or null when a concurrent sign-in created the openid's user first. */
async function createPhoneUser(deps: ServiceDeps, session: WechatMiniProgramSession, phone: string, meta: RequestMeta): Promise<StoredUser | null> {
  const profile = sessionProfile(session)
  const identity = { provider: WECHAT, subject: profile.subject, unionId: profile.unionId, linkedAt: deps.now() }
  try {
    const user = await deps.store.createUserWithIdentity({ phone, phoneVerified: true, provider: { [WECHAT]: storableProviderInfo(profile.raw) }, createdAt: deps.now() }, identity)
    deps.emit({ type: 'registered', userId: user.id, method: WECHAT, clientId: meta.clientId, ip: meta.ip })
    return user
  } catch (error) {
    if (isUserRouterError(error, 'identity_taken')) return null
    throw error
  }
}

/** What `POST /hserve/v2.7/idp/wechat/phone-login/` carries. */
export interface WechatPhoneLogin extends WechatPhoneProof {
  code: string
  createUser: boolean
}

/**
 * Signs in with a `wx.login` code and a proven phone: the user holding the openid (its phone set
 * and verified when it has none or the same one), or a new user with both (`createUser`). Throws
 * `phone_taken` (another user has the phone), `user_not_found`, and the WeChat API's errors.
 */
export async function wechatPhoneLogin(deps: WechatServiceDeps, input: WechatPhoneLogin, meta: RequestMeta): Promise<WechatSignedIn> {
  const session = await deps.wechat.codeToSession(input.code)
  const phone = await provenPhone(deps, session, input)
  let user = await deps.store.getUserByIdentity(WECHAT, session.openId)
  await checkPhoneFree(deps, phone, user?.id ?? null)
  if (!user) {
    if (!input.createUser) throw new UserRouterError('user_not_found')
    const created = await createPhoneUser(deps, session, phone, meta)
    if (created) return withIds(await signIn(deps, created, WECHAT, meta), session)
    user = await deps.store.getUserByIdentity(WECHAT, session.openId)
    if (!user) throw new UserRouterError('identity_taken')
  }
  refuseSuspended(user)
  if (user.phone === null || user.phone === phone) user = await markPhoneVerified(deps, user, phone, meta)
  return withIds(await signIn(deps, user, WECHAT, meta), session)
}

/** What `PUT /hserve/v2.7/idp/wechat/phone-verification/` carries. */
export interface WechatPhoneUpdate {
  phoneCode: string
  /** Replace a phone the user has (otherwise 400 naming `phone`). */
  overwrite: boolean
}

/**
 * Sets the signed-in user's phone to the one of a `getPhoneNumber` code, verified. A new phone is
 * a new way into the account, so, as on the account route, an account with a password needs a sign-in
 * at most `recentSignInSeconds` old (this route takes no password). Throws `phone_taken` (another
 * user has it), `invalid_request` naming `phone` (the user has another phone and `overwrite` is
 * false) or `password` (no recent sign-in), `user_not_found`, and the WeChat API's errors.
 */
export async function updateWechatPhone(deps: WechatServiceDeps, session: Session, input: WechatPhoneUpdate, meta: RequestMeta): Promise<StoredUser> {
  const phone = await codePhone(deps, input.phoneCode)
  const user = await deps.store.getUserById(session.userId)
  if (!user) throw new UserRouterError('user_not_found')
  if (user.phone !== null && user.phone !== phone && !input.overwrite) throw fieldError('invalid_request', 'phone', 'the account has a phone number and overwrite is false')
  if (user.phone !== phone && !isRecentSignIn(deps, session)) {
    await proveCurrentPassword(deps, user, { password: undefined, field: 'password', purpose: 'change the phone number: sign in again' }, meta)
  }
  await checkPhoneFree(deps, phone, user.id)
  return markPhoneVerified(deps, user, phone, meta)
}
