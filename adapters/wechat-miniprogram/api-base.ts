/** The base URL of WeChat's server API, as an option: tests point it at a local stand-in. */

/** 127.0.0.0/8, ::1 and localhost: plain http:// never leaves the machine there. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * Checks `apiBase` and returns it without a trailing slash, ready for `${base}/sns/...`. It must be
 * https://, or http:// on a loopback host; no query, fragment or credentials. Throws a TypeError
 * naming the option.
 */
export function parseApiBase(value: unknown, owner: string): string {
  const problem = `${owner}: options.apiBase must be an https:// URL (plain http:// only on a loopback host), without query or credentials`
  if (typeof value !== 'string') throw new TypeError(problem)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(problem)
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))
  if (!secure || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') throw new TypeError(problem)
  return url.href.replace(/\/+$/, '')
}
