/**
 * One HTTP call to a provider's API, with a timeout, answering the JSON body or failing with the
 * router's provider errors. Messages and causes name what failed (the call, the status, the network
 * error's code) but are first cleared of the secrets given, since a provider may echo a code or a
 * network error may quote a URL holding an app secret.
 */
import { UserRouterError } from '../../src/errors.js'

export interface ProviderCall {
  /** What is called, for messages: `WeChat sns/oauth2/access_token`. Never holds a secret. */
  what: string
  url: string
  init?: RequestInit
  timeoutMs: number
  /** Values to blank out of every message and cause (app secret, code, access token). */
  secrets: readonly string[]
}

export interface ProviderAnswer {
  status: number
  /** The parsed JSON body. */
  body: unknown
}

/** Replaces each secret in `text` with `[redacted]`, as written and as encoded in a URL or a form. */
export function redact(text: string, secrets: readonly string[]): string {
  let clean = text
  for (const secret of secrets) {
    if (secret === '') continue
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      clean = clean.split(form).join('[redacted]')
    }
  }
  return clean
}

/** The error's name, message and code, and those of its causes, as one line. */
function describeError(error: unknown): string {
  const parts: string[] = []
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const { name, message, code } = current as { name?: unknown; message?: unknown; code?: unknown }
    parts.push([name, code, message].filter((part) => typeof part === 'string' && part !== '').join(' '))
    current = (current as { cause?: unknown }).cause
  }
  return parts.filter((part) => part !== '').join(': ') || 'unknown error'
}

/** ` (ECONNREFUSED)`: the code of a failed fetch's network error, or nothing. */
function networkCode(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''
}

/** A provider error whose message and cause hold nothing of `secrets`. */
export function providerError(code: 'provider_failed' | 'provider_unavailable', message: string, secrets: readonly string[], cause?: unknown): UserRouterError {
  const causeText = cause === undefined ? undefined : redact(describeError(cause), secrets)
  return new UserRouterError(code, { message: redact(message, secrets), ...(causeText === undefined ? {} : { cause: new Error(causeText) }) })
}

/**
 * Calls the provider. Network errors, timeouts and 5xx answers reject with `provider_unavailable`;
 * a redirect or a body that is not JSON with `provider_failed`. Other statuses (4xx included) are
 * answered, for the caller to read the provider's error body.
 */
export async function callProvider(call: ProviderCall): Promise<ProviderAnswer> {
  let response: Response
  try {
    response = await fetch(call.url, { ...call.init, redirect: 'manual', signal: AbortSignal.timeout(call.timeoutMs) })
  } catch (error) {
    const reason = (error as { name?: unknown }).name === 'TimeoutError' ? `no answer within ${call.timeoutMs} ms` : `cannot be reached${networkCode(error)}`
    throw providerError('provider_unavailable', `${call.what}: ${reason}`, call.secrets, error)
  }
  let text: string
  try {
    text = await response.text()
  } catch (error) {
    throw providerError('provider_unavailable', `${call.what}: the answer broke off`, call.secrets, error)
  }
  if (response.status >= 500) throw providerError('provider_unavailable', `${call.what}: HTTP ${response.status}`, call.secrets)
  if (response.status >= 300 && response.status < 400) throw providerError('provider_failed', `${call.what}: unexpected redirect (HTTP ${response.status})`, call.secrets)
  try {
    return { status: response.status, body: JSON.parse(text) as unknown }
  } catch {
    throw providerError('provider_failed', `${call.what}: the answer is not JSON (HTTP ${response.status})`, call.secrets)
  }
}

/** The value as a plain JSON object, or null. */
export function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}
