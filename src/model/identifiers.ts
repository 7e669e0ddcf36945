/**
 * Login identifiers: how phones are normalised and how usernames and e-mails compare.
 */

/**
 * A phone in its stored form, or null if it is not a phone number. Spaces, dashes and brackets are
 * ignored; mainland numbers (`1[3-9]` + 9 digits, optionally `+86`/`0086`) become 11 digits; other
 * numbers must be E.164 (`+` then 8 to 15 digits).
 */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s\-()]/g, '')
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact
  const mainland = /^(?:\+86)?(1[3-9]\d{9})$/.exec(international)
  if (mainland) return mainland[1]!
  return /^\+[1-9]\d{7,14}$/.test(international) ? international : null
}

/** The form in which usernames and e-mails are compared for uniqueness and login. */
export function identifierKey(value: string): string {
  return value.toLowerCase()
}
