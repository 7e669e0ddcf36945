/**
 * Argument rules of the `KeyValueStore` port, shared by every adapter so they refuse the same
 * mistakes with the same message.
 */

/** A TTL must be a whole number of seconds, at least 1. */
export function checkTtl(store: string, method: string, ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`${store}.${method}: the TTL must be a whole number of seconds, at least 1 (got ${ttlSeconds})`)
  }
}

/** `consumeSecret`'s failure limit must be a whole number, at least 1. */
export function checkMaxFailures(store: string, maxFailures: number): void {
  if (!Number.isSafeInteger(maxFailures) || maxFailures < 1) {
    throw new RangeError(`${store}.consumeSecret: maxFailures must be a whole number, at least 1 (got ${maxFailures})`)
  }
}
