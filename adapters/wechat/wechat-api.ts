/**
 * A call to WeChat's server API, for every WeChat adapter (web sign-in and mini programs). WeChat
 * answers most errors with HTTP 200 and a body `{ errcode, errmsg }` (some endpoints as text/plain):
 * a non-zero errcode fails the call, except -1 ("system busy"), which is WeChat being unavailable.
 */
import type { UserRouterError } from '../../src/errors.js'
import { asObject, callProvider, type ProviderCall, providerError } from '../provider-http/provider-fetch.js'

export type WechatAnswer = Record<string, unknown>

/** The answer's `errcode`: 0 when absent (successful answers of some endpoints leave it out). */
export function errcodeOf(answer: WechatAnswer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0
}

/** The JSON object WeChat answered, whatever its errcode (for a caller that handles some itself). */
export async function readWechat(call: ProviderCall): Promise<WechatAnswer> {
  const { status, body } = await callProvider(call)
  const answer = asObject(body)
  if (answer === null) throw providerError('provider_failed', `${call.what}: the answer is not a JSON object`, call.secrets)
  if (status !== 200 && errcodeOf(answer) === 0) throw providerError('provider_failed', `${call.what}: HTTP ${status}`, call.secrets)
  return answer
}

/** The error of an answer with a non-zero errcode: its errcode and errmsg (at most 200 characters), cleared of the call's secrets. */
export function wechatRefusal(call: ProviderCall, answer: WechatAnswer): UserRouterError {
  const errcode = errcodeOf(answer)
  const errmsg = typeof answer.errmsg === 'string' ? answer.errmsg.slice(0, 200) : ''
  return providerError(errcode === -1 ? 'provider_unavailable' : 'provider_failed', `${call.what}: errcode ${errcode}${errmsg === '' ? '' : ` (${errmsg})`}`, call.secrets)
}

/** Answers the JSON object WeChat sent, once its errcode (if any) is 0. */
export async function callWechat(call: ProviderCall): Promise<WechatAnswer> {
  const answer = await readWechat(call)
  if (errcodeOf(answer) !== 0) throw wechatRefusal(call, answer)
  return answer
}
