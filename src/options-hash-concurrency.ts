/**
 * The default of `password.maxConcurrentHashes`, part of option parsing (`options.ts`): as many
 * hashes as the machine can compute at once, and never every thread of libuv's pool.
 *
 * A hash (scrypt) keeps one core busy for its whole run, on one thread of libuv's pool, which
 * `fs`, `dns.lookup`, `zlib` and the rest of `crypto` share. So:
 * - more hashes than cores only make each take longer (and hold 32 MiB more each at logN 15);
 * - as many as the cores fill them: on 2 cores, 2 hashes give twice the logins of 1;
 * - one thread of the pool always stays free of hashes, or a file read or a host name lookup
 *   would wait behind a whole login storm.
 */

/** libuv's pool when `UV_THREADPOOL_SIZE` is unset. */
export const LIBUV_DEFAULT_THREADPOOL_SIZE = 4
/** libuv's largest pool (since libuv 1.30, Node 12). */
export const LIBUV_MAX_THREADPOOL_SIZE = 1024
/** The largest value `password.maxConcurrentHashes` takes, and so its default at most. */
export const MAX_CONCURRENT_HASHES = 64

/**
 * The size of libuv's pool for a value of `UV_THREADPOOL_SIZE`, read as libuv reads it: C's
 * `atoi` (leading digits; none is 0), 0 meaning 1, anything above the maximum (a negative number
 * too, as libuv keeps it unsigned) meaning the maximum.
 */
export function libuvThreadpoolSize(envValue: string | undefined): number {
  if (envValue === undefined) return LIBUV_DEFAULT_THREADPOOL_SIZE
  const match = /^\s*([+-]?)(\d*)/.exec(envValue)!
  const digits = match[2]!.replace(/^0+/, '')
  if (digits === '') return 1
  if (match[1] === '-' || digits.length > 4) return LIBUV_MAX_THREADPOOL_SIZE
  return Math.min(LIBUV_MAX_THREADPOOL_SIZE, Number(digits))
}

/**
 * Hashes computed at once by default: one per core, leaving one thread of libuv's pool to the
 * rest of the app; at least 1, at most `MAX_CONCURRENT_HASHES`. 2 cores and the default pool of
 * 4: 2. 16 cores and the pool of 4: 3. 16 cores with `UV_THREADPOOL_SIZE=17` or more: 16.
 */
export function defaultConcurrentHashes(cores: number, threadpoolSize: number): number {
  return Math.max(1, Math.min(cores, threadpoolSize - 1, MAX_CONCURRENT_HASHES))
}
