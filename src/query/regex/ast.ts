/**
 * The parsed form of a safe pattern. Both the matcher and the PostgreSQL serialiser work from this
 * tree, so they cannot disagree about what the user wrote.
 */

/** An inclusive code-point range. */
export type CodeRange = readonly [lo: number, hi: number]

export type RegexNode =
  | { readonly kind: 'empty' }
  | { readonly kind: 'char'; readonly cp: number }
  | { readonly kind: 'any' }
  /**
   * A bracket expression or class escape. `chars` and `ranges` are kept apart because PostgreSQL
   * case-folds them differently under `~*` (see case-fold.ts).
   */
  | { readonly kind: 'class'; readonly negated: boolean; readonly chars: readonly number[]; readonly ranges: readonly CodeRange[] }
  | { readonly kind: 'bol' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'group'; readonly body: RegexNode }
  | { readonly kind: 'concat'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly branches: readonly RegexNode[] }
  /** `max` is null for an unbounded repetition. */
  | { readonly kind: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number | null }

export type ClassNode = Extract<RegexNode, { kind: 'class' }>

export const MAX_CODE_POINT = 0x10ffff

/** The ASCII-only meaning of `\d`, `\w`, `\s` (PostgreSQL's own are locale-aware, so never emitted). */
export const CLASS_ESCAPES: Readonly<Record<'d' | 'w' | 's', { chars: readonly number[]; ranges: readonly CodeRange[] }>> = {
  d: { chars: [], ranges: [[0x30, 0x39]] },
  w: {
    chars: [0x5f],
    ranges: [
      [0x30, 0x39],
      [0x41, 0x5a],
      [0x61, 0x7a],
    ],
  },
  // space, then \t \n \v \f \r
  s: { chars: [0x20], ranges: [[0x09, 0x0d]] },
}

/** Sorted, merged copy of `ranges`. */
export function normalizeRanges(ranges: readonly CodeRange[]): CodeRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1]
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else out.push([lo, hi])
  }
  return out
}

/** Every code point not in `ranges`. */
export function complementRanges(ranges: readonly CodeRange[]): CodeRange[] {
  const out: CodeRange[] = []
  let next = 0
  for (const [lo, hi] of normalizeRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1])
    next = hi + 1
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT])
  return out
}
