/**
 * `WechatMiniProgram` on WeChat's server API, with global fetch: `sns/jscode2session` for
 * `wx.login` codes, `wxa/business/getuserphonenumber` for phone codes (with the access token from
 * `cgi-bin/token`). The app secret and access token live in private fields, out of logs.
 */
import { UserRouterError } from '../../src/errors.js'
import type { WechatMiniProgram, WechatMiniProgramSession, WechatPhoneNumber } from '../../src/ports.js'
import { AccessTokenCache, type FetchedToken } from './access-token.js'
import { parseApiBase } from './api-base.js'
import { badAnswer, callWechat, errcodeOf, refusal, type WechatAnswer } from './wechat-call.js'

export interface WechatMiniProgramApiOptions {
  /** The mini program's AppID (`wx...`). */
  appId: string
  /** The mini program's AppSecret. */
  appSecret: string
  /** Default `https://api.weixin.qq.com`; plain http:// only on a loopback host. */
  apiBase?: string
  /** Milliseconds a call to WeChat may take; default 5000. */
  timeoutMs?: number
}

/** The access token expired (42001) or is not the latest one (40001): fetch a new one, try once more. */
const STALE_TOKEN_ERRCODES = [40001, 42001]

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

function requireCode(endpoint: string, code: unknown): asserts code is string {
  if (!nonEmptyString(code)) throw new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: no code was given` })
}

export class WechatMiniProgramApi implements WechatMiniProgram {
  readonly appId: string
  readonly #appSecret: string
  readonly #apiBase: string
  readonly #timeoutMs: number
  readonly #tokens = new AccessTokenCache(() => this.#fetchToken())

  constructor(options: WechatMiniProgramApiOptions) {
    if (!nonEmptyString(options?.appId)) throw new TypeError('WechatMiniProgramApi: options.appId is required (the AppID, wx...)')
    if (!nonEmptyString(options.appSecret)) throw new TypeError('WechatMiniProgramApi: options.appSecret is required (the AppSecret)')
    const timeoutMs = options.timeoutMs ?? 5000
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError('WechatMiniProgramApi: options.timeoutMs must be a whole number of milliseconds, at least 1')
    this.appId = options.appId
    this.#appSecret = options.appSecret
    this.#apiBase = parseApiBase(options.apiBase ?? 'https://api.weixin.qq.com', 'WechatMiniProgramApi')
    this.#timeoutMs = timeoutMs
  }

  async codeToSession(code: string): Promise<WechatMiniProgramSession> {
    requireCode('jscode2session', code)
    const url = this.#url('/sns/jscode2session', { appid: this.appId, secret: this.#appSecret, js_code: code, grant_type: 'authorization_code' })
    const answer = await callWechat({ endpoint: 'jscode2session', url, timeoutMs: this.#timeoutMs })
    if (errcodeOf(answer) !== 0) throw refusal('jscode2session', answer, [this.#appSecret, code])
    const { openid, session_key: sessionKey, unionid } = answer
    if (!nonEmptyString(openid)) throw badAnswer('jscode2session', 'the answer has no openid')
    if (!nonEmptyString(sessionKey)) throw badAnswer('jscode2session', 'the answer has no session_key')
    if (unionid !== undefined && unionid !== null && !nonEmptyString(unionid)) throw badAnswer('jscode2session', 'the unionid is not a string')
    return { openId: openid, unionId: unionid ?? null, sessionKey }
  }

  async phoneNumber(code: string): Promise<WechatPhoneNumber> {
    requireCode('getuserphonenumber', code)
    let token = await this.#tokens.get()
    let answer = await this.#getUserPhoneNumber(token, code)
    if (STALE_TOKEN_ERRCODES.includes(errcodeOf(answer))) {
      this.#tokens.discard(token)
      token = await this.#tokens.get()
      answer = await this.#getUserPhoneNumber(token, code)
    }
    if (errcodeOf(answer) !== 0) throw refusal('getuserphonenumber', answer, [this.#appSecret, code, token])
    return this.#phoneFrom(answer)
  }

  #getUserPhoneNumber(token: string, code: string): Promise<WechatAnswer> {
    const url = this.#url('/wxa/business/getuserphonenumber', { access_token: token })
    return callWechat({ endpoint: 'getuserphonenumber', url, json: { code }, timeoutMs: this.#timeoutMs })
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
    const url = this.#url('/cgi-bin/token', { grant_type: 'client_credential', appid: this.appId, secret: this.#appSecret })
    const answer = await callWechat({ endpoint: 'token', url, timeoutMs: this.#timeoutMs })
    if (errcodeOf(answer) !== 0) throw refusal('token', answer, [this.#appSecret])
    const { access_token: token, expires_in: expiresIn } = answer
    if (!nonEmptyString(token)) throw badAnswer('token', 'the answer has no access_token')
    if (typeof expiresIn !== 'number' || !(expiresIn > 0)) throw badAnswer('token', 'the answer has no expires_in')
    return { token, expiresInSeconds: expiresIn }
  }

  #url(path: string, query: Record<string, string>): URL {
    const url = new URL(`${this.#apiBase}${path}`)
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    return url
  }
}
