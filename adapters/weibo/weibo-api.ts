/**
 * A call to Weibo's API. Weibo answers errors with a 4xx status and a JSON body: the OAuth
 * endpoints `{ error, error_code, error_description }`, the other APIs `{ request, error_code, error }`.
 * Error 21331 (`temporarily_unavailable`) is Weibo being unavailable; any other fails the sign-in.
 */
import { asObject, callProvider, type ProviderCall, providerError } from '../provider-http/provider-fetch.js'

const TEMPORARILY_UNAVAILABLE = 21331

/** Answers the JSON object of a 2xx answer. */
export async function callWeibo(call: ProviderCall): Promise<Record<string, unknown>> {
  const { status, body } = await callProvider(call)
  const answer = asObject(body)
  if (status >= 200 && status < 300) {
    if (answer === null) throw providerError('provider_failed', `${call.what}: the answer is not a JSON object`, call.secrets)
    return answer
  }
  const said = [answer?.error_code, answer?.error, answer?.error_description].filter((part) => typeof part === 'string' || typeof part === 'number')
  const text = `${call.what}: HTTP ${status}${said.length > 0 ? ` (${said.join(' ')})` : ''}`
  const unavailable = Number(answer?.error_code) === TEMPORARILY_UNAVAILABLE || answer?.error === 'temporarily_unavailable'
  throw providerError(unavailable ? 'provider_unavailable' : 'provider_failed', text, call.secrets)
}
