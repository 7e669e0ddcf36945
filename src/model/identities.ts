/**
 * The rules of third-party identities, in one place: every store checks an identity with
 * `checkNewIdentity` before writing it and orders a user's identities with `sortIdentities`.
 */
import { fieldError } from '../errors.js'
import type { Identity, NewIdentity } from './user.js'
import { codePointLength, stringProblem } from './values.js'

/** Maximum lengths, in code points. */
export const IDENTITY_LIMITS = { provider: 64, subject: 256, unionId: 256 } as const

/** Why `value` cannot be stored as a 1..`max` character identity string, or null when it can. */
function textProblem(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return 'must be a string'
  const length = codePointLength(value)
  if (length < 1 || length > max) return `must be 1 to ${max} characters`
  return stringProblem(value)
}

/**
 * The identity as stored (`unionId` defaulting to null), or `invalid_request` naming the first
 * field at fault (`identity.provider`, `identity.subject`, `identity.unionId`, `identity.linkedAt`).
 */
export function checkNewIdentity(input: NewIdentity): Identity {
  if (input === null || typeof input !== 'object') throw fieldError('invalid_request', 'identity', 'must be an object')
  const unionId = input.unionId ?? null
  const problems: [keyof Identity, string | null][] = [
    ['provider', textProblem(input.provider, IDENTITY_LIMITS.provider)],
    ['subject', textProblem(input.subject, IDENTITY_LIMITS.subject)],
    ['unionId', unionId === null ? null : textProblem(unionId, IDENTITY_LIMITS.unionId)],
    ['linkedAt', Number.isSafeInteger(input.linkedAt) && input.linkedAt >= 0 ? null : 'must be a whole number of Unix seconds'],
  ]
  for (const [field, problem] of problems) if (problem !== null) throw fieldError('invalid_request', `identity.${field}`, problem)
  return { provider: input.provider, subject: input.subject, unionId, linkedAt: input.linkedAt }
}

/**
 * Whether a lookup value could be stored at all: a value that could not (too long, NUL, lone
 * surrogates) finds nothing, and never reaches a backend that would refuse it.
 */
export function isStorableIdentityText(value: unknown, max: number): value is string {
  return textProblem(value, max) === null
}

/** Orders by `linkedAt`, then provider, then subject (by code unit, the same in every store). */
export function sortIdentities(identities: Identity[]): Identity[] {
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return identities.sort((a, b) => a.linkedAt - b.linkedAt || byText(a.provider, b.provider) || byText(a.subject, b.subject))
}
