/**
 * The size of a JSON value as PostgreSQL prints a jsonb (`value::text`): `", "` and `": "` between
 * items, JSON string escapes, and numbers in plain decimal (jsonb keeps numbers as `numeric`, which
 * never prints an exponent). Every store measures merged objects this way, so they all refuse the
 * same merges; it is never smaller than the compact JSON a response carries.
 */
import type { JsonValue } from './user.js'

/** Largest object field a merge (`$update`) may produce, in bytes as measured here. */
export const MAX_MERGED_OBJECT_BYTES = 16384

/** Largest the custom fields of one user may be together, in bytes as measured here. */
export const MAX_PROFILE_BYTES = 65536

export function jsonbTextBytes(value: JsonValue): number {
  if (value === null) return 4
  if (typeof value === 'boolean') return value ? 4 : 5
  if (typeof value === 'number') return plainDecimal(value).length
  if (typeof value === 'string') return stringBytes(value)
  if (Array.isArray(value)) {
    let n = 2 + 2 * Math.max(0, value.length - 1)
    for (const item of value) n += jsonbTextBytes(item)
    return n
  }
  const entries = Object.entries(value)
  let n = 2 + 2 * Math.max(0, entries.length - 1)
  for (const [key, item] of entries) n += stringBytes(key) + 2 + jsonbTextBytes(item)
  return n
}

/** A quoted JSON string in UTF-8: `"` and `\` and \b \t \n \f \r take 2 bytes, other controls 6. */
function stringBytes(text: string): number {
  let n = Buffer.byteLength(text) + 2
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 || c === 0x5c || c === 8 || c === 9 || c === 10 || c === 12 || c === 13) n += 1
    else if (c < 0x20) n += 5
  }
  return n
}

/** JavaScript's shortest form of a number (what a store sends PostgreSQL), without its exponent. */
function plainDecimal(value: number): string {
  const text = JSON.stringify(value)
  const e = text.indexOf('e')
  if (e < 0) return text
  const sign = text.startsWith('-') ? '-' : ''
  const mantissa = text.slice(sign.length, e)
  const exponent = Number(text.slice(e + 1))
  const point = mantissa.indexOf('.')
  const digits = mantissa.replace('.', '')
  // Position of the decimal point within `digits` once the exponent is applied.
  const at = (point < 0 ? mantissa.length : point) + exponent
  if (at <= 0) return `${sign}0.${'0'.repeat(-at)}${digits}`
  if (at >= digits.length) return `${sign}${digits}${'0'.repeat(at - digits.length)}`
  return `${sign}${digits.slice(0, at)}.${digits.slice(at)}`
}
