/**
 * Counts password hashing: every `PasswordHasher.check` (or `hash`) call of any router in this test
 * process (each test file runs in its own process), wrong or right, a dummy hash included.
 */
import { PasswordHasher } from '../../src/services/passwords.js'

export interface HashCheckCounter {
  /** Calls started since the counter was made. */
  readonly count: number
  /** Puts the original method back. */
  restore(): void
}

/** Counts `PasswordHasher.check`: passwords checked against a hash. */
export function countHashChecks(): HashCheckCounter {
  return countCalls('check')
}

/** Counts `PasswordHasher.hash`: new hashes computed (registrations, password changes). */
export function countNewHashes(): HashCheckCounter {
  return countCalls('hash')
}

function countCalls(method: 'check' | 'hash'): HashCheckCounter {
  const prototype = PasswordHasher.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
  const original = prototype[method]!
  let count = 0
  prototype[method] = function (this: PasswordHasher, ...args: unknown[]) {
    count++
    return original.apply(this, args)
  }
  return {
    get count() {
      return count
    },
    restore: () => {
      prototype[method] = original
    },
  }
}
