/**
 * `WechatMiniProgram` on WeChat's server API, with global fetch: `sns/jscode2session` for
 * `wx.login` codes, `wxa/business/getuserphonenumber` for phone codes (with the access token from
 * `cgi-bin/token`). The app secret and access token live in private fields, out of logs.
 */
import { UserRouterError } from '../../src/errors.js'
import type { JsonObject } from '../../src/model/user.js'
import type { WechatMiniProgram, WechatMiniProgramSession, WechatPhoneNumber } from '../../src/ports.js'
import * as userData from './user-data.js'
import { AccessTokenCache, type FetchedToken } from './access-token.js'
import { providerBaseUrl, providerTimeout, requiredText } from '../provider-http/provider-url.js'
import type { ProviderCall } from '../provider-http/provider-fetch.js'
import { errcodeOf, readWechat, type WechatAnswer, wechatRefusal } from '../wechat/wechat-api.js'

export interface WechatMiniProgramApiOptions {
  /** The mini program's AppID (`wx...`). */
  appId: string
  /** The mini program's AppSecret. */
  appSecret: string
  /** Default `https://api.weixin.qq.com`; plain http:// only on a loopback host. */
  apiBase?: string
  /** Milliseconds a call to WeChat may take; default 5000. */
  timeoutMs?: number
  /** The clock the access token's lifetime is kept on, in milliseconds (default `Date.now`; tests move it). */
  now?: () => number
}

/** The access token expired (42001) or is not the latest one (40001): fetch a new one, try once more. */
const STALE_TOKEN_ERRCODES = [40001, 42001]

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

/** A bad answer: a field missing or of the wrong type. */
function badAnswer(endpoint: string, problem: string): UserRouterError {
  return new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: ${problem}` })
}

function requireCode(endpoint: string, code: unknown): asserts code is string {
  if (!nonEmptyString(code)) throw new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: no code was given` })
}

export class WechatMiniProgramApi implements WechatMiniProgram {
  readonly appId: string
  readonly #appSecret: string
  readonly #apiBase: string
  readonly #timeoutMs: number
  readonly #tokens: AccessTokenCache

  constructor(options: WechatMiniProgramApiOptions) {
    this.appId = requiredText(options?.appId, 'WechatMiniProgramApi: options.appId (the AppID, wx...)')
    this.#appSecret = requiredText(options.appSecret, 'WechatMiniProgramApi: options.appSecret (the AppSecret)')
    this.#apiBase = providerBaseUrl(options.apiBase ?? 'https://api.weixin.qq.com', 'WechatMiniProgramApi: options.apiBase')
    this.#timeoutMs = providerTimeout(options.timeoutMs, 'WechatMiniProgramApi: options.timeoutMs', 5000)
    this.#tokens = new AccessTokenCache(() => this.#fetchToken(), options.now ?? Date.now)
  }

  async codeToSession(code: string): Promise<WechatMiniProgramSession> {
    requireCode('jscode2session', code)
    const call = this.#call('jscode2session', '/sns/jscode2session', { appid: this.appId, secret: this.#appSecret, js_code: code, grant_type: 'authorization_code' }, [code])
    const answer = await readWechat(call)
    if (errcodeOf(answer) !== 0) throw wechatRefusal(call, answer)
    const { openid, session_key: sessionKey, unionid } = answer
    if (!nonEmptyString(openid)) throw badAnswer('jscode2session', 'the answer has no openid')
    if (!nonEmptyString(sessionKey)) throw badAnswer('jscode2session', 'the answer has no session_key')
    if (unionid !== undefined && unionid !== null && !nonEmptyString(unionid)) throw badAnswer('jscode2session', 'the unionid is not a string')
    return { openId: openid, unionId: unionid ?? null, sessionKey }
  }

  async phoneNumber(code: string): Promise<WechatPhoneNumber> {
    requireCode('getuserphonenumber', code)
    let token = await this.#tokens.get()
    let call = this.#phoneCall(token, code)
    let answer = await readWechat(call)
    if (STALE_TOKEN_ERRCODES.includes(errcodeOf(answer))) {
      this.#tokens.discard(token)
      token = await this.#tokens.get()
      call = this.#phoneCall(token, code)
      answer = await readWechat(call)
    }
    if (errcodeOf(answer) !== 0) throw wechatRefusal(call, answer)
    return this.#phoneFrom(answer)
  }

  checkRawDataSignature(rawData: string, signature: string, sessionKey: string): boolean {
    return userData.checkRawDataSignature(rawData, signature, sessionKey)
  }

  decryptUserData(encryptedData: string, iv: string, sessionKey: string): JsonObject {
    return userData.decryptUserData(encryptedData, iv, sessionKey, this.appId)
  }

  #phoneCall(token: string, code: string): ProviderCall {
    const init = { method: 'POST', body: JSON.stringify({ code }), headers: { 'content-type': 'application/json' } }
    return { ...this.#call('getuserphonenumber', '/wxa/business/getuserphonenumber', { access_token: token }, [code, token]), init }
  }

  #phoneFrom(answer: WechatAnswer): WechatPhoneNumber {
    const info = answer.phone_info as Record<string, unknown> | undefined
    if (typeof info !== 'object' || info === null) throw badAnswer('getuserphonenumber', 'the answer has no phone_info')
    const { phoneNumber, purePhoneNumber, countryCode, watermark } = info
    if (!nonEmptyString(phoneNumber) || !nonEmptyString(purePhoneNumber)) throw badAnswer('getuserphonenumber', 'the answer has no phone number')
    const country = typeof countryCode === 'number' ? String(countryCode) : countryCode
    if (!nonEmptyString(country) || !/^\d{1,4}$/.test(country)) throw badAnswer('getuserphonenumber', 'the country code is not 1 to 4 digits')
    if ((watermark as { appid?: unknown } | undefined)?.appid !== this.appId) throw badAnswer('getuserphonenumber', 'the watermark names another app')
    return { phone: phoneNumber, purePhone: purePhoneNumber, countryCode: country }
  }

  async #fetchToken(): Promise<FetchedToken> {
    const call = this.#call('token', '/cgi-bin/token', { grant_type: 'client_credential', appid: this.appId, secret: this.#appSecret }, [])
    const answer = await readWechat(call)
    if (errcodeOf(answer) !== 0) throw wechatRefusal(call, answer)
    const { access_token: token, expires_in: expiresIn } = answer
    if (!nonEmptyString(token)) throw badAnswer('token', 'the answer has no access_token')
    if (typeof expiresIn !== 'number' || !(expiresIn > 0)) throw badAnswer('token', 'the answer has no expires_in')
    return { token, expiresInSeconds: expiresIn }
  }

  /** A GET of `path` with `query`; the app secret and `secrets` never reach a message. */
  #call(endpoint: string, path: string, query: Record<string, string>, secrets: string[]): ProviderCall {
    const url = `${this.#apiBase}${path}?${new URLSearchParams(query)}`
    return { what: `WeChat ${endpoint}`, url, timeoutMs: this.#timeoutMs, secrets: [this.#appSecret, ...secrets] }
  }
}
