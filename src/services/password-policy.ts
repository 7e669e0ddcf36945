/**
 * The lists of refused passwords: the most common passwords (the zxcvbn-ts common dictionary,
 * about 49,000 passwords from breach corpora, lower case, most common first) and an app's own list.
 * Each router builds its sets once, from its options; lookups are O(1).
 */
import { dictionary } from '@zxcvbn-ts/language-common'

/** Lower-case ASCII, so already in `passwordListKey` form (a test keeps that true across updates). */
export const COMMON_PASSWORDS: readonly string[] = dictionary['passwords-common']

/** The form in which passwords are compared with the lists: NFKC, lower case (the common list is lower case). */
export function passwordListKey(password: string): string {
  return password.normalize('NFKC').toLowerCase()
}

export interface RefusedPasswords {
  /** The common passwords that fit the length limits (others fail the length rule first); empty when turned off. */
  commonPasswords: ReadonlySet<string>
  /** The app's own refused passwords. */
  listedPasswords: ReadonlySet<string>
}

/** The sets of refused passwords of one router, keyed by `passwordListKey`. */
export function refusedPasswords(options: { minLength: number; maxLength: number; rejectCommon: boolean; rejectList: readonly string[] }): RefusedPasswords {
  const fits = (key: string) => key.length >= options.minLength && key.length <= options.maxLength
  const common = options.rejectCommon ? COMMON_PASSWORDS.filter(fits) : []
  return { commonPasswords: new Set(common), listedPasswords: new Set(options.rejectList.map(passwordListKey)) }
}
