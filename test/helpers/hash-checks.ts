/**
 * Counts password hash checks: every `PasswordHasher.check` call of any router in this test
 * process (each test file runs in its own process), wrong or right, a dummy hash included.
 */
import { PasswordHasher } from '../../src/services/passwords.js'

export interface HashCheckCounter {
  /** Checks started since the counter was made. */
  readonly count: number
  /** Puts the original method back. */
  restore(): void
}

export function countHashChecks(): HashCheckCounter {
  const original = PasswordHasher.prototype.check
  let count = 0
  PasswordHasher.prototype.check = function (this: PasswordHasher, ...args: Parameters<PasswordHasher['check']>) {
    count++
    return original.apply(this, args)
  }
  return {
    get count() {
      return count
    },
    restore: () => {
      PasswordHasher.prototype.check = original
    },
  }
}
