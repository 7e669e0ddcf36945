/**
 * WeChat mini program sign-in (provider `wechat`): a `wx.login` code gives the person's openid (the
 * identity's subject), unionid and the session key; the session key checks and decrypts the user
 * data the mini program sends with the same code, and goes nowhere else.
 *
 * Only the identity finds a user, or a unionid when the mini program asks for it (another mini
 * program of the same developer signed the person in first): then this openid is linked to that
 * user. The profile fields come only from signed and encrypted user data.
 */
import { UserRouterError, isUserRouterError } from '../errors.js'
import type { JsonObject, StoredUser } from '../model/user.js'
import type { ProviderProfile, WechatMiniProgramSession } from '../ports.js'
import { signIn } from './accounts.js'
import type { RequestMeta, ServiceDeps, WechatServiceDeps } from './deps.js'
import { applyProfile, linkProfile, type ProfileUpdate, signInWithProfile } from './identity-accounts.js'
import type { IssuedToken } from './sessions.js'

/** The provider name of the mini program's identities, events and `_provider` entry. */
export const WECHAT = 'wechat'

/** A sign-in through the mini program: the user, the session, and the person's WeChat ids. */
export interface WechatSignedIn {
  user: StoredUser
  token: IssuedToken
  openId: string
  unionId: string | null
}

/** The profile a `wx.login` code alone confirms: the ids, no profile fields. */
export function sessionProfile(session: WechatMiniProgramSession): ProviderProfile {
  return { subject: session.openId, unionId: session.unionId, raw: session.unionId ? { openid: session.openId, unionid: session.unionId } : { openid: session.openId } }
}

export function withIds(signedIn: { user: StoredUser; token: IssuedToken }, session: WechatMiniProgramSession): WechatSignedIn {
  return { ...signedIn, openId: session.openId, unionId: session.unionId }
}

/** What `POST /hserve/v2.5/idp/wechat/silent-login/` carries. */
export interface WechatSilentLogin {
  code: string
  /** Create a user when none is found (otherwise 404 `user_not_found`). */
  createUser: boolean
  /** Without a user holding the openid, sign into the user having its unionid, linking the openid to it. */
  withUnionId: boolean
}

/** The user having the unionid with the openid linked to it, or null when none has it. */
async function linkedByUnionId(deps: ServiceDeps, session: WechatMiniProgramSession, meta: RequestMeta): Promise<StoredUser | null> {
  if (session.unionId === null) return null
  const sibling = await deps.store.getUserByUnionId(session.unionId)
  if (!sibling) return null
  try {
    return await linkProfile(deps, sibling.id, WECHAT, sessionProfile(session), false, meta)
  } catch (error) {
    // A concurrent sign-in gave the openid a user first: that one is the person's.
    if (!isUserRouterError(error, 'identity_taken')) throw error
    return deps.store.getUserByIdentity(WECHAT, session.openId)
  }
}

/**
 * Signs in with a `wx.login` code: the user holding the openid, the unionid's user (`withUnionId`),
 * or a new one (`createUser`). Concurrent first sign-ins of one openid create one user. Throws
 * `user_not_found`, and the WeChat API's `provider_failed` (a bad or used code), `provider_unavailable`.
 */
export async function wechatSilentLogin(deps: WechatServiceDeps, input: WechatSilentLogin, meta: RequestMeta): Promise<WechatSignedIn> {
  const session = await deps.wechat.codeToSession(input.code)
  const holder = await deps.store.getUserByIdentity(WECHAT, session.openId)
  if (holder) return withIds(await signIn(deps, holder, WECHAT, meta), session)
  const linked = input.withUnionId ? await linkedByUnionId(deps, session, meta) : null
  if (linked) return withIds(await signIn(deps, linked, WECHAT, meta), session)
  return withIds(await signInWithProfile(deps, WECHAT, sessionProfile(session), { createUser: input.createUser, updateProfile: false }, meta), session)
}

/**
 * Links the openid of a `wx.login` code to the user. Throws `identity_taken` (another user holds
 * it), `user_not_found`, and the WeChat API's errors. Emits `identity_linked`.
 */
export async function linkWechat(deps: WechatServiceDeps, userId: number, code: string, meta: RequestMeta): Promise<StoredUser> {
  const session = await deps.wechat.codeToSession(code)
  return linkProfile(deps, userId, WECHAT, sessionProfile(session), false, meta)
}

/** What `PUT /hserve/v2.6/idp/wechat/user/info/` carries (the `wx.getUserProfile` answer and a `wx.login` code). */
export interface WechatUserInfo {
  code: string
  rawData: string
  signature: string
  encryptedData: string
  iv: string
  updateProfile: ProfileUpdate
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** The profile in decrypted user data: WeChat's field names; the watermark left out of `raw`. */
function userDataProfile(session: WechatMiniProgramSession, data: JsonObject): ProviderProfile {
  const { watermark: _watermark, ...raw } = data
  const avatar = text(data.avatarUrl)
  const gender = data.gender
  return {
    subject: session.openId,
    unionId: session.unionId,
    nickname: text(data.nickName),
    avatar: avatar?.startsWith('https://') ? avatar : undefined,
    gender: typeof gender === 'number' ? gender : undefined,
    country: text(data.country),
    province: text(data.province),
    city: text(data.city),
    language: text(data.language),
    raw,
  }
}

function failed(message: string): UserRouterError {
  return new UserRouterError('provider_failed', { message })
}

/**
 * Fills the signed-in user's profile from `wx.getUserProfile` data: the signature must sign
 * `rawData` and the encrypted data must decrypt, with the session key of `code`, and the code's
 * openid must be the user's (another user's: `identity_taken`). `_provider.wechat` becomes the
 * decrypted data without its watermark. Nothing is written when a check fails (`provider_failed`).
 */
export async function updateWechatProfile(deps: WechatServiceDeps, userId: number, input: WechatUserInfo): Promise<StoredUser> {
  const { session, profile } = await verifiedUserData(deps, input)
  const holder = await deps.store.getUserByIdentity(WECHAT, session.openId)
  if (!holder) throw failed('WeChat user data: this WeChat account is not linked to the user; link it first')
  if (holder.id !== userId) throw new UserRouterError('identity_taken')
  return applyProfile(deps, holder, WECHAT, profile, input.updateProfile)
}

/** The profile in `wx.getUserProfile` data, once the signature signs `rawData` and the data decrypts with the session key of `code`. */
async function verifiedUserData(deps: WechatServiceDeps, input: Omit<WechatUserInfo, 'updateProfile'>): Promise<{ session: WechatMiniProgramSession; profile: ProviderProfile }> {
  const session = await deps.wechat.codeToSession(input.code)
  if (!deps.wechat.checkRawDataSignature(input.rawData, input.signature, session.sessionKey)) throw failed('WeChat user data: the signature does not sign rawData')
  const data = deps.wechat.decryptUserData(input.encryptedData, input.iv, session.sessionKey)
  if (data.openId !== undefined && data.openId !== session.openId) throw failed('WeChat user data: the data is of another person')
  return { session, profile: userDataProfile(session, data) }
}

/**
 * Signs in with `wx.getUserProfile` data (`POST /hserve/v2.5/idp/wechat/authenticate/`): checked as
 * by `updateWechatProfile`, then the user holding the openid, or a new one (`createUser`), its
 * profile filled as `updateProfile` says. Throws `provider_failed` before anything is written,
 * `user_not_found`.
 */
export async function wechatAuthenticate(deps: WechatServiceDeps, input: WechatUserInfo & { createUser: boolean }, meta: RequestMeta): Promise<WechatSignedIn> {
  const { session, profile } = await verifiedUserData(deps, input)
  return withIds(await signInWithProfile(deps, WECHAT, profile, { createUser: input.createUser, updateProfile: input.updateProfile }, meta), session)
}
