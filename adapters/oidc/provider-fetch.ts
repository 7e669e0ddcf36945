/**
 * The fetch openid-client makes its requests with. It marks what makes a provider unavailable
 * (no connection, no answer in time, a 5xx answer) so that the error mapping can tell it from a
 * provider that answered and refused, and it keeps every request on https:// or loopback http://.
 */
import { isSecureOrLoopback } from '../provider-http/provider-url.js'

/** The provider could not serve the request; the message names the URL (no query) and what happened. */
export class ProviderUnreachable extends Error {
  override readonly name = 'ProviderUnreachable'
}

/** A request to plain http:// off loopback, which the discovery document asked for. */
export class InsecureProviderUrl extends Error {
  override readonly name = 'InsecureProviderUrl'
}

type Fetch = (url: string, options: RequestInit) => Promise<Response>

export const providerFetch: Fetch = async (url, options) => {
  const target = new URL(url)
  const where = `${target.origin}${target.pathname}`
  if (!isSecureOrLoopback(target)) throw new InsecureProviderUrl(`${where} is not https://`)
  let response: Response
  try {
    response = await fetch(url, options)
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError'
    throw new ProviderUnreachable(timedOut ? `${where} did not answer in time` : `${where} cannot be reached`, { cause })
  }
  if (response.status >= 500) {
    await response.body?.cancel()
    throw new ProviderUnreachable(`${where} answered ${response.status}`)
  }
  return response
}
