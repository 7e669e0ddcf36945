/**
 * A call to WeChat's server API. WeChat answers most errors with HTTP 200 and a body
 * `{ errcode, errmsg }`: a non-zero errcode fails the sign-in, except -1 ("system busy"), which is
 * WeChat being unavailable.
 */
import { asObject, callProvider, type ProviderCall, providerError } from '../provider-http/provider-fetch.js'

/** Answers the JSON object WeChat sent, once its errcode (if any) is 0. */
export async function callWechat(call: ProviderCall): Promise<Record<string, unknown>> {
  const { status, body } = await callProvider(call)
  const answer = asObject(body)
  if (answer === null) throw providerError('provider_failed', `${call.what}: the answer is not a JSON object`, call.secrets)
  const errcode = answer.errcode
  if (errcode !== undefined && errcode !== 0) {
    const text = `${call.what}: errcode ${String(errcode)}${typeof answer.errmsg === 'string' ? ` (${answer.errmsg})` : ''}`
    throw providerError(errcode === -1 ? 'provider_unavailable' : 'provider_failed', text, call.secrets)
  }
  if (status !== 200) throw providerError('provider_failed', `${call.what}: HTTP ${status}`, call.secrets)
  return answer
}
