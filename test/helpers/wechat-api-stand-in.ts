/**
 * A stand-in for WeChat's server API on 127.0.0.1 (a random port), with the endpoints a mini
 * program's server uses, as WeChat documents them: `GET /sns/jscode2session`, `GET /cgi-bin/token`,
 * `POST /wxa/business/getuserphonenumber?access_token=`. Refusals are HTTP 200 with `errcode` and
 * `errmsg`, as WeChat sends them; jscode2session answers text/plain, as WeChat does.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

export type WechatEndpoint = 'jscode2session' | 'token' | 'getuserphonenumber'

export interface StandInUser {
  openId: string
  /** Left out of the answer when absent (a mini program bound to no open platform account). */
  unionId?: string
}

export interface StandInPhone {
  phoneNumber: string
  purePhoneNumber: string
  countryCode: string
}

/** An answer to give once instead of the real one: HTTP status, body, and a delay before it. */
export interface CannedAnswer {
  status?: number
  body?: unknown
  delayMs?: number
}

export interface WechatApiStandIn {
  /** `http://127.0.0.1:<port>`: the adapter's `apiBase`. */
  apiBase: string
  appId: string
  appSecret: string
  /** A new single-use `wx.login` code for this person, and the session key WeChat answers with it. */
  loginCode(user: StandInUser): { code: string; sessionKey: string }
  /** A new single-use `getPhoneNumber` code; `watermarkAppId` makes WeChat sign it for another app. */
  phoneCode(phone: StandInPhone, options?: { watermarkAppId?: string }): string
  /** Requests per endpoint so far. */
  readonly requests: Record<WechatEndpoint, number>
  /** Every access token issued so far. */
  readonly issuedTokens: readonly string[]
  /** Invalidates every access token issued so far (as when another server fetched a new one). */
  revokeTokens(): void
  /** The next request to `endpoint` gets `answer` instead of the real one; calls queue up. */
  answerNext(endpoint: WechatEndpoint, answer: CannedAnswer): void
  close(): Promise<void>
}

export interface StandInOptions {
  appId?: string
  appSecret?: string
  /** The access token's `expires_in`; WeChat's is 7200. */
  tokenTtlSeconds?: number
}

const PATHS: Record<string, WechatEndpoint> = {
  '/sns/jscode2session': 'jscode2session',
  '/cgi-bin/token': 'token',
  '/wxa/business/getuserphonenumber': 'getuserphonenumber',
}

/** WeChat adds a request id to every errmsg. */
function refusal(errcode: number, errmsg: string): object {
  return { errcode, errmsg: `${errmsg} rid: ${randomUUID().slice(0, 23)}` }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startWechatApiStandIn(options: StandInOptions = {}): Promise<WechatApiStandIn> {
  const appId = options.appId ?? 'wx0123456789abcdef'
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex')
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 7200
  const loginCodes = new Map<string, { user: StandInUser; sessionKey: string }>()
  const usedLoginCodes = new Set<string>()
  const phoneCodes = new Map<string, { phone: StandInPhone; watermarkAppId: string }>()
  const tokens = new Map<string, number>()
  const issuedTokens: string[] = []
  const canned: Record<WechatEndpoint, CannedAnswer[]> = { jscode2session: [], token: [], getuserphonenumber: [] }
  const requests: Record<WechatEndpoint, number> = { jscode2session: 0, token: 0, getuserphonenumber: 0 }

  function jscode2session(query: URLSearchParams): object {
    if (query.get('appid') !== appId) return refusal(40013, 'invalid appid')
    if (query.get('secret') !== appSecret) return refusal(40125, 'invalid appsecret')
    if (query.get('grant_type') !== 'authorization_code') return refusal(40002, 'invalid grant_type')
    const code = query.get('js_code') ?? ''
    if (usedLoginCodes.has(code)) return refusal(40163, 'code been used')
    const login = loginCodes.get(code)
    if (login === undefined) return refusal(40029, 'invalid code')
    loginCodes.delete(code)
    usedLoginCodes.add(code)
    return { session_key: login.sessionKey, openid: login.user.openId, ...(login.user.unionId === undefined ? {} : { unionid: login.user.unionId }) }
  }

  function token(query: URLSearchParams): object {
    if (query.get('grant_type') !== 'client_credential') return refusal(40002, 'invalid grant_type')
    if (query.get('appid') !== appId) return refusal(40013, 'invalid appid')
    if (query.get('secret') !== appSecret) return refusal(40125, 'invalid appsecret')
    const accessToken = randomBytes(48).toString('base64url')
    tokens.set(accessToken, Date.now() + tokenTtlSeconds * 1000)
    issuedTokens.push(accessToken)
    return { access_token: accessToken, expires_in: tokenTtlSeconds }
  }

  function getUserPhoneNumber(query: URLSearchParams, body: string): object {
    const expiresAt = tokens.get(query.get('access_token') ?? '')
    if (expiresAt === undefined) return refusal(40001, 'invalid credential, access_token is invalid or not latest')
    if (Date.now() >= expiresAt) return refusal(42001, 'access_token expired')
    let code: unknown
    try {
      code = (JSON.parse(body) as { code?: unknown }).code
    } catch {
      return refusal(47001, 'data format error')
    }
    const entry = typeof code === 'string' ? phoneCodes.get(code) : undefined
    if (entry === undefined) return refusal(40029, 'invalid code')
    phoneCodes.delete(code as string)
    const watermark = { timestamp: Math.floor(Date.now() / 1000), appid: entry.watermarkAppId }
    return { errcode: 0, errmsg: 'ok', phone_info: { ...entry.phone, watermark } }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const endpoint = PATHS[url.pathname]
    const method = endpoint === 'getuserphonenumber' ? 'POST' : 'GET'
    if (endpoint === undefined || request.method !== method) {
      response.writeHead(404).end()
      return
    }
    requests[endpoint]++
    const body = await readBody(request)
    const cannedAnswer = canned[endpoint].shift()
    if (cannedAnswer?.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, cannedAnswer.delayMs))
    let answer: unknown
    if (cannedAnswer?.body !== undefined || cannedAnswer?.status !== undefined) answer = cannedAnswer.body ?? {}
    else if (endpoint === 'jscode2session') answer = jscode2session(url.searchParams)
    else if (endpoint === 'token') answer = token(url.searchParams)
    else answer = getUserPhoneNumber(url.searchParams, body)
    const contentType = endpoint === 'jscode2session' ? 'text/plain' : 'application/json; encoding=utf-8'
    response.writeHead(cannedAnswer?.status ?? 200, { 'content-type': contentType })
    response.end(typeof answer === 'string' ? answer : JSON.stringify(answer))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }

  return {
    apiBase: `http://127.0.0.1:${port}`,
    appId,
    appSecret,
    requests,
    issuedTokens,
    loginCode(user) {
      const code = randomBytes(16).toString('hex')
      const sessionKey = randomBytes(16).toString('base64')
      loginCodes.set(code, { user, sessionKey })
      return { code, sessionKey }
    },
    phoneCode(phone, phoneOptions = {}) {
      const code = randomBytes(32).toString('hex')
      phoneCodes.set(code, { phone, watermarkAppId: phoneOptions.watermarkAppId ?? appId })
      return code
    },
    revokeTokens() {
      tokens.clear()
    },
    answerNext(endpoint, answer) {
      canned[endpoint].push(answer)
    },
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
