/**
 * The rules for login identifiers and passwords. Each failure is an `invalid_request` error naming
 * the field.
 */
import { fieldError } from '../errors.js'
import { identifierKey, normalizePhone } from '../model/identifiers.js'
import type { IdentifierKind } from '../model/user.js'
import { codePointLength, stringProblem } from '../model/values.js'
import { passwordListKey, type RefusedPasswords } from './password-policy.js'

export const USERNAME_MAX_LENGTH = 64
export const EMAIL_MAX_LENGTH = 254

/**
 * Visible characters only, so that no two names look alike by what cannot be seen: no whitespace,
 * controls, format characters (zero-width, bidi overrides), unassigned or private code points,
 * default-ignorable ones (Hangul fillers, variation selectors), the Braille blank, and no leading
 * combining mark.
 */
const USERNAME = /^(?!\p{M})[^\s\p{C}\p{Default_Ignorable_Code_Point}\u2800]+$/u

// An e-mail address is a bare dot-atom `local@domain`: no display name, comment, group, quoted
// string, domain literal or list, so that a mailer parses it into exactly the stored address.
// Non-ASCII text (RFC 6531) is allowed when visible.
const ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\p{ASCII}\s\p{C}\p{Default_Ignorable_Code_Point}\u2800])+$/u
const LABEL = /^(?:[A-Za-z0-9-]|[^\p{ASCII}\s\p{C}\p{Default_Ignorable_Code_Point}\u2800])+$/u

function isBareAddress(value: string): boolean {
  const parts = value.split('@')
  if (parts.length !== 2) return false
  const [local, domain] = parts as [string, string]
  if (!local.split('.').every((atom) => ATOM.test(atom))) return false
  const labels = domain.split('.')
  return labels.length >= 2 && labels.every((label) => LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-') && label.length <= 63)
}

/** The identifier in its stored form (usernames in NFKC form), or an error naming `field`. */
export function checkIdentifier(kind: IdentifierKind, value: string, field: string = kind): string {
  const problem = stringProblem(value)
  if (problem) throw fieldError('invalid_request', field, problem)
  switch (kind) {
    case 'username': {
      const normal = value.normalize('NFKC')
      if (codePointLength(normal) > USERNAME_MAX_LENGTH || !USERNAME.test(normal) || !USERNAME.test(value)) {
        throw fieldError('invalid_request', field, `must be 1 to ${USERNAME_MAX_LENGTH} visible characters, without spaces, invisible or control characters`)
      }
      return normal
    }
    case 'email':
      if (value.length > EMAIL_MAX_LENGTH || !isBareAddress(value)) {
        throw fieldError('invalid_request', field, 'must be a bare e-mail address (name@example.com: no display name, comment, group or list)')
      }
      return value
    case 'phone': {
      const phone = normalizePhone(value)
      if (phone === null) throw fieldError('invalid_request', field, 'must be a mainland mobile number or an E.164 number (+ and digits)')
      return phone
    }
  }
}

/**
 * The spellings under which a typed identifier is looked up, in order. A username is tried first
 * exactly as typed when that is not its NFKC form (accounts stored before usernames were
 * normalised keep signing in with their own spelling, and no later account takes their place),
 * then in NFKC form. Empty for a phone that is not one.
 */
export function identifierLookups(kind: IdentifierKind, value: string): string[] {
  if (kind === 'phone') {
    const phone = normalizePhone(value)
    return phone === null ? [] : [phone]
  }
  if (kind === 'email') return [value]
  const normal = value.normalize('NFKC')
  return normal === value ? [value] : [value, normal]
}

/** The key under which the login throttle counts an identifier: one per account, whatever its spelling. */
export function throttleAccount(kind: IdentifierKind, value: string): string {
  const lookups = identifierLookups(kind, value)
  return `${kind}:${identifierKey(lookups.at(-1) ?? value)}`
}

/** The password rules: length limits in characters, the lists of refused passwords. */
export interface PasswordPolicy extends RefusedPasswords {
  minLength: number
  maxLength: number
}

/**
 * Checks the password policy on the NFKC form (the form that is hashed): length in characters, not
 * only whitespace, not one repeated character, not a common or app-refused password, not one of
 * the account's `identifiers`.
 */
export function checkPassword(password: string, policy: PasswordPolicy, field = 'password', identifiers: readonly (string | null | undefined)[] = []): void {
  const problem = stringProblem(password)
  if (problem) throw fieldError('invalid_request', field, problem)
  const normal = password.normalize('NFKC')
  const length = codePointLength(normal)
  if (length < policy.minLength || length > policy.maxLength) {
    throw fieldError('invalid_request', field, `must be ${policy.minLength} to ${policy.maxLength} characters`)
  }
  if (/^[\s\p{Default_Ignorable_Code_Point}]+$/u.test(normal)) throw fieldError('invalid_request', field, 'must not be only whitespace')
  const key = passwordListKey(normal)
  if (new Set(key).size === 1) throw fieldError('invalid_request', field, 'must not be one character repeated')
  if (policy.commonPasswords.has(key)) throw fieldError('invalid_request', field, 'is one of the most common passwords')
  if (policy.listedPasswords.has(key)) throw fieldError('invalid_request', field, "is on this service's list of refused passwords")
  if (identifiers.some((identifier) => identifier != null && passwordListKey(identifier) === key)) {
    throw fieldError('invalid_request', field, 'must differ from the username and e-mail address')
  }
}
