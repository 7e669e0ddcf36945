/**
 * Case-insensitive matching, modelled on what PostgreSQL's `~*` actually does (regc_locale.c), not
 * on text-side folding: the *pattern* is widened and the text is compared exactly.
 *   - a literal c (in or out of brackets) matches exactly { lower(c), upper(c) } — note that a
 *     title-case letter such as 'ǅ' therefore does not match itself (`'ǅ' ~* 'ǅ'` is false);
 *   - a range a-b matches every code point in a..b plus lower(x) and upper(x) of each x in a..b
 *     (so `[Ä-中]` matches 'k' because KELVIN SIGN U+212A lower-cases to 'k');
 *   - a negated bracket is the complement of its widened set.
 * lower/upper are Unicode *simple* mappings (one code point), like glibc's towlower/towupper.
 * JavaScript only exposes full mappings, so where those are longer than one code point we fall back
 * to the code point itself, except for the few letters whose simple mapping differs (table below).
 * Remaining differences from a given server are Unicode-version ones (letters newer than the
 * server's glibc/ICU) and non-Unicode locales (e.g. Turkish i/İ rules); see the README.
 */
import { normalizeRanges, type CodeRange } from './ast.js'

/** Simple mappings that JavaScript's (full) toLowerCase/toUpperCase cannot give. */
const SIMPLE_LOWER = new Map<number, number>([[0x130, 0x69]])
const SIMPLE_UPPER = new Map<number, number>([[0x1fb3, 0x1fbc], [0x1fc3, 0x1fcc], [0x1ff3, 0x1ffc]])
for (const base of [0x1f80, 0x1f90, 0x1fa0]) for (let i = 0; i < 8; i++) SIMPLE_UPPER.set(base + i, base + i + 8)

/** No code point above this has a case mapping (Adlam ends at U+1E95F). */
const LAST_CASED_SCAN = 0x1ffff

function single(s: string, fallback: number): number {
  const cp = s.codePointAt(0)!
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : fallback
}

export function lowerOf(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp
  return SIMPLE_LOWER.get(cp) ?? single(String.fromCodePoint(cp).toLowerCase(), cp)
}

export function upperOf(cp: number): number {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a ? cp - 0x20 : cp
  return SIMPLE_UPPER.get(cp) ?? single(String.fromCodePoint(cp).toUpperCase(), cp)
}

let casedTable: Int32Array | null = null

/** Sorted code points that have a lower or upper mapping other than themselves; built once. */
function cased(): Int32Array {
  if (casedTable) return casedTable
  const found: number[] = []
  for (let cp = 0; cp <= LAST_CASED_SCAN; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue
    if (lowerOf(cp) !== cp || upperOf(cp) !== cp) found.push(cp)
  }
  casedTable = Int32Array.from(found)
  return casedTable
}

/** First index in the sorted table whose value is >= cp. */
function lowerBound(table: Int32Array, cp: number): number {
  let lo = 0
  let hi = table.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (table[mid]! < cp) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The code points a bracket item list matches, widened the way PostgreSQL's `~*` widens it when
 * `ignoreCase`; sorted and merged.
 */
export function classRanges(chars: readonly number[], ranges: readonly CodeRange[], ignoreCase: boolean): CodeRange[] {
  if (!ignoreCase) return normalizeRanges([...ranges, ...chars.map((cp): CodeRange => [cp, cp])])
  const out: CodeRange[] = [...ranges]
  for (const cp of chars) {
    const lower = lowerOf(cp)
    out.push([lower, lower])
    const upper = upperOf(cp)
    out.push([upper, upper])
  }
  const table = cased()
  for (const [lo, hi] of ranges) {
    for (let i = lowerBound(table, lo); i < table.length && table[i]! <= hi; i++) {
      const lower = lowerOf(table[i]!)
      out.push([lower, lower])
      const upper = upperOf(table[i]!)
      out.push([upper, upper])
    }
  }
  return normalizeRanges(out)
}
