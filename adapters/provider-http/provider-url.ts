/**
 * What every provider adapter checks of the base URLs it is given: secrets and codes travel to them,
 * so they must be https://, except on a loopback host where a local stand-in or proxy listens.
 */
import { isIPv4 } from 'node:net'

/** 127.0.0.0/8, ::1 and localhost (WHATWG URL hostnames: IPv6 in brackets, lower case). */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return isIPv4(hostname) && hostname.startsWith('127.')
}

/** True for https:, and for http: on a loopback host. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/**
 * The URL without a trailing slash, ready for paths to be appended. Throws a TypeError naming the
 * option (`WechatWebProvider: options.apiBase ...`) when it is not an absolute https:// URL, or
 * plain http:// on a loopback host (127.0.0.0/8, ::1, localhost).
 */
export function providerBaseUrl(value: unknown, option: string): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new TypeError(`${option} must be an absolute URL`)
  }
  if (!isSecureOrLoopback(url)) throw new TypeError(`${option} must be an https:// URL (plain http:// only on a loopback host)`)
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`${option} must have no query, fragment or credentials`)
  }
  return url.href.replace(/\/+$/, '')
}

/** Checks a timeout option: a positive whole number of milliseconds. */
export function providerTimeout(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`${option} must be a positive whole number of milliseconds`)
  return value
}

/** Checks a required non-empty string option. */
export function requiredText(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${option} is required`)
  return value
}
