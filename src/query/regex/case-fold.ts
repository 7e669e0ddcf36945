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
const SIMPLE_UPPER = new Map<number, number>([
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
  ...[0x1f80, 0x1f90, 0x1fa0].flatMap((base) => Array.from({ length: 8 }, (_, i): [number, number] => [base + i, base + i + 8])),
])

/** No code point above this has a case mapping (Adlam ends at U+1E95F). */
const LAST_CASED_SCAN = 0x1ffff

function single(s: string, fallback: number): number {
  const cp = s.codePointAt(0)!
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : fallback
}

/** Simple lower-case mapping of one code point (ASCII by the C rules, as PostgreSQL forces too). */
export function lowerOf(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp
  return SIMPLE_LOWER.get(cp) ?? single(String.fromCodePoint(cp).toLowerCase(), cp)
}

/** Simple upper-case mapping of one code point. */
export function upperOf(cp: number): number {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a ? cp - 0x20 : cp
  return SIMPLE_UPPER.get(cp) ?? single(String.fromCodePoint(cp).toUpperCase(), cp)
}

interface CasedTable {
  /** Sorted code points whose lower or upper mapping is another code point. */
  readonly codes: Int32Array
  readonly lowers: Int32Array
  readonly uppers: Int32Array
}

let casedTable: CasedTable | null = null

/** Built once, on the first case-insensitive range (a scan of the planes that have cased letters). */
function cased(): CasedTable {
  if (casedTable) return casedTable
  const codes: number[] = []
  const lowers: number[] = []
  const uppers: number[] = []
  for (let block = 0; block <= LAST_CASED_SCAN; block += 256) {
    if (block >= 0xd800 && block <= 0xdfff) continue
    // Most blocks (CJK, Hangul, symbols) have no case at all: test them whole first.
    const text = String.fromCodePoint(...Array.from({ length: 256 }, (_, i) => block + i))
    if (text.toLowerCase() === text && text.toUpperCase() === text) continue
    for (let cp = block; cp < block + 256; cp++) {
      const lower = lowerOf(cp)
      const upper = upperOf(cp)
      if (lower === cp && upper === cp) continue
      codes.push(cp)
      lowers.push(lower)
      uppers.push(upper)
    }
  }
  casedTable = { codes: Int32Array.from(codes), lowers: Int32Array.from(lowers), uppers: Int32Array.from(uppers) }
  return casedTable
}

/** First index in a sorted array whose value is >= cp. */
function lowerBound(sorted: ArrayLike<number>, cp: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < cp) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Whether cp is in sorted, merged ranges. */
function inRanges(ranges: readonly CodeRange[], cp: number): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const [from, to] = ranges[mid]!
    if (cp < from) hi = mid - 1
    else if (cp > to) lo = mid + 1
    else return true
  }
  return false
}

/**
 * The code points a bracket item list matches, widened the way PostgreSQL's `~*` widens it when
 * `ignoreCase`; sorted and merged.
 */
export function classRanges(chars: readonly number[], ranges: readonly CodeRange[], ignoreCase: boolean): CodeRange[] {
  if (!ignoreCase) return normalizeRanges([...ranges, ...chars.map((cp): CodeRange => [cp, cp])])
  const base = normalizeRanges(ranges)
  const extra: CodeRange[] = []
  for (const cp of chars) extra.push([lowerOf(cp), lowerOf(cp)], [upperOf(cp), upperOf(cp)])
  const { codes, lowers, uppers } = cased()
  for (const [lo, hi] of base) {
    for (let i = lowerBound(codes, lo); i < codes.length && codes[i]! <= hi; i++) {
      // Most images of a wide range fall inside it; keep only the few that do not.
      const lower = lowers[i]!
      const upper = uppers[i]!
      if (!inRanges(base, lower)) extra.push([lower, lower])
      if (!inRanges(base, upper)) extra.push([upper, upper])
    }
  }
  return normalizeRanges([...base, ...extra])
}
