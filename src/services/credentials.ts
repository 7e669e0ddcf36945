/**
 * The rules for login identifiers and passwords. Each failure is an `invalid_request` error naming
 * the field.
 */
import { fieldError } from '../errors.js'
import { normalizePhone } from '../model/identifiers.js'
import type { IdentifierKind } from '../model/user.js'
import { codePointLength, stringProblem } from '../model/values.js'

export const USERNAME_MAX_LENGTH = 64
export const EMAIL_MAX_LENGTH = 254

// Printable, no whitespace: a username is typed at a prompt and shown in lists.
const USERNAME = /^[^\s\p{C}]+$/u
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by verification.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u

/** The identifier in its stored form, or an error naming `field`. */
export function checkIdentifier(kind: IdentifierKind, value: string, field: string = kind): string {
  const problem = stringProblem(value)
  if (problem) throw fieldError('invalid_request', field, problem)
  switch (kind) {
    case 'username':
      if (codePointLength(value) > USERNAME_MAX_LENGTH || !USERNAME.test(value)) {
        throw fieldError('invalid_request', field, `must be 1 to ${USERNAME_MAX_LENGTH} characters without spaces`)
      }
      return value
    case 'email':
      if (value.length > EMAIL_MAX_LENGTH || !EMAIL.test(value)) throw fieldError('invalid_request', field, 'must be an e-mail address')
      return value
    case 'phone': {
      const phone = normalizePhone(value)
      if (phone === null) throw fieldError('invalid_request', field, 'must be a mainland mobile number or an E.164 number (+ and digits)')
      return phone
    }
  }
}

/** Checks the password policy (length in characters). */
export function checkPassword(password: string, policy: { minLength: number; maxLength: number }, field = 'password'): void {
  const problem = stringProblem(password)
  if (problem) throw fieldError('invalid_request', field, problem)
  const length = codePointLength(password)
  if (length < policy.minLength || length > policy.maxLength) {
    throw fieldError('invalid_request', field, `must be ${policy.minLength} to ${policy.maxLength} characters`)
  }
}
