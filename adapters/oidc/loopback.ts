/** Where plain http:// is acceptable: a provider on this machine (tests, a local stand-in). */

/** 127.0.0.0/8, ::1 and localhost (WHATWG URL hostnames: IPv6 in brackets, lower case). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/** True for https:, and for http: on a loopback host. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
}

/** Parses a provider URL option; a TypeError names the option unless it is https:// (or http:// on loopback). */
export function providerUrlOption(option: string, value: unknown): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || !isSecureOrLoopback(url)) {
    throw new TypeError(`OidcProvider: options.${option} must be an https:// URL (http:// only on a loopback host: 127.0.0.1, ::1, localhost)`)
  }
  return url
}
