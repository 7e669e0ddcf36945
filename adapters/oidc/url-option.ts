/** The OpenID Connect adapter's URL options: https://, or http:// on a loopback host (tests, a local stand-in). */
import { isSecureOrLoopback } from '../provider-http/provider-url.js'

/** Parses a provider URL option; a TypeError names the option unless it is https:// (or http:// on loopback). */
export function providerUrlOption(option: string, value: unknown): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || !isSecureOrLoopback(url)) {
    throw new TypeError(`OidcProvider: options.${option} must be an https:// URL (http:// only on a loopback host: 127.0.0.1, ::1, localhost)`)
  }
  return url
}
