/**
 * One call to WeChat's server API. WeChat answers a refusal with HTTP 200 and an `errcode` (and
 * some endpoints as text/plain), so the body is read as JSON whatever its content type. Messages
 * name the endpoint, never the URL: its query holds the app secret, the code or the access token.
 */
import { UserRouterError } from '../../src/errors.js'

export type WechatAnswer = Record<string, unknown>

export interface WechatRequest {
  /** The endpoint, for messages: `jscode2session`, `token`, `getuserphonenumber`. */
  endpoint: string
  url: URL
  /** A JSON body to POST; GET without one. */
  json?: object
  timeoutMs: number
}

/** The error code of the network failure (`ECONNREFUSED`), or the error's name: never its text. */
function failureName(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  if (typeof cause?.code === 'string') return cause.code
  return error instanceof Error ? error.name : 'unknown failure'
}

function unavailable(endpoint: string, reason: string): UserRouterError {
  // A fresh cause: the fetch error may hold the request, and with it the URL.
  return new UserRouterError('provider_unavailable', { message: `WeChat ${endpoint}: ${reason}`, cause: new Error(`WeChat ${endpoint}: ${reason}`) })
}

/**
 * Sends the request and returns the answer's JSON object, errcode or not. Network failures, the
 * timeout and HTTP 5xx reject with `provider_unavailable`; another HTTP status or a body that is not
 * a JSON object with `provider_failed`.
 */
export async function callWechat(request: WechatRequest): Promise<WechatAnswer> {
  const { endpoint, timeoutMs } = request
  let status: number
  let text: string
  try {
    const signal = AbortSignal.timeout(timeoutMs)
    const response =
      request.json === undefined
        ? await fetch(request.url, { signal })
        : await fetch(request.url, { signal, method: 'POST', body: JSON.stringify(request.json), headers: { 'content-type': 'application/json' } })
    status = response.status
    text = await response.text()
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    throw unavailable(endpoint, timedOut ? `no answer within ${timeoutMs} ms` : `cannot be reached (${failureName(error)})`)
  }
  if (status >= 500) throw unavailable(endpoint, `answered HTTP ${status}`)
  if (status !== 200) throw new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: answered HTTP ${status}` })
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: the answer is not a JSON object` })
  }
  return body as WechatAnswer
}

/** The answer's `errcode`: 0 when absent (successful answers of some endpoints leave it out). */
export function errcodeOf(answer: WechatAnswer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0
}

/**
 * The error for an answer with a nonzero `errcode`: -1 (system busy) is `provider_unavailable`,
 * anything else `provider_failed`. The message holds errcode and errmsg, with any of `secrets`
 * WeChat might echo blanked out.
 */
export function refusal(endpoint: string, answer: WechatAnswer, secrets: readonly string[]): UserRouterError {
  const errcode = errcodeOf(answer)
  let errmsg = typeof answer.errmsg === 'string' ? answer.errmsg : ''
  for (const secret of secrets) if (secret !== '') errmsg = errmsg.split(secret).join('[hidden]')
  errmsg = errmsg.slice(0, 200)
  const message = `WeChat ${endpoint}: errcode ${errcode}${errmsg === '' ? '' : ` (${errmsg})`}`
  return new UserRouterError(errcode === -1 ? 'provider_unavailable' : 'provider_failed', { message })
}

/** A bad answer: a field missing or of the wrong type. */
export function badAnswer(endpoint: string, problem: string): UserRouterError {
  return new UserRouterError('provider_failed', { message: `WeChat ${endpoint}: ${problem}` })
}
