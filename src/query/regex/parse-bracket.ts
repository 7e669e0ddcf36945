/**
 * Escapes and bracket expressions. An escape means the same inside and outside brackets; class
 * escapes are expanded to explicit ASCII sets here (PostgreSQL's own `\w` follows the locale).
 */
import { CLASS_ESCAPES, complementRanges, type CodeRange, type RegexNode } from './ast.js'
import type { Cursor } from './cursor.js'
import { RegexSyntaxError } from './errors.js'

const ASCII_PUNCTUATION = new Set([...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'].map((ch) => ch.codePointAt(0)))
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d }

type ClassAtom = { kind: 'class'; negated: boolean; chars: readonly number[]; ranges: readonly CodeRange[] }
export type EscapeAtom = { kind: 'char'; cp: number } | ClassAtom
type BracketAtom = { kind: 'char'; cp: number; escaped: boolean } | ClassAtom

/** An escape, outside or inside brackets (they mean the same in both places). */
export function parseEscape(cur: Cursor): EscapeAtom {
  const at = cur.pos
  cur.pos++
  const c = cur.peek()
  if (c === undefined) throw new RegexSyntaxError(`trailing backslash at position ${at}`)
  cur.pos++
  const lower = c.toLowerCase()
  if (c === 'd' || c === 'w' || c === 's' || c === 'D' || c === 'W' || c === 'S') {
    const cls = CLASS_ESCAPES[lower as 'd' | 'w' | 's']
    return { kind: 'class', negated: c !== lower, chars: cls.chars, ranges: cls.ranges }
  }
  const control = CONTROL_ESCAPES[c]
  if (control !== undefined) return { kind: 'char', cp: control }
  const cp = c.codePointAt(0)!
  if (ASCII_PUNCTUATION.has(cp)) return { kind: 'char', cp }
  if (c >= '0' && c <= '9') throw new RegexSyntaxError(`backreferences and octal escapes are not supported (\\${c} at position ${at})`)
  if (c === 'b' || c === 'B') throw new RegexSyntaxError(`word-boundary escapes are not supported (\\${c} at position ${at})`)
  throw new RegexSyntaxError(`unsupported escape \\${c} at position ${at}`)
}

/** A bracket expression; a bare '-' is accepted only first or last, a bare ']' or '[' never. */
export function parseBracket(cur: Cursor): RegexNode {
  const open = cur.pos
  cur.pos++
  const negated = cur.peek() === '^'
  if (negated) cur.pos++
  // `[]a]` means "] or a" in PostgreSQL but `[]` is an empty class in JavaScript: require `\]`.
  if (cur.peek() === ']') throw new RegexSyntaxError(`']' at the start of a bracket expression must be escaped as \\] (position ${cur.pos})`)
  const chars: number[] = []
  const ranges: CodeRange[] = []
  for (let first = true; ; first = false) {
    const c = cur.peek()
    if (c === undefined) throw new RegexSyntaxError(`unterminated bracket expression starting at position ${open}`)
    if (c === ']') break
    const at = cur.pos
    const item = parseBracketAtom(cur)
    if (item.kind === 'char' && item.cp === 0x2d && !item.escaped) {
      // A bare '-' is literal only first or last, where every dialect agrees.
      if (!first && cur.peek() !== ']') throw new RegexSyntaxError(`'-' at position ${at} must be escaped as \\- (or placed first or last)`)
      chars.push(item.cp)
      continue
    }
    if (cur.peek() === '-' && cur.peek(1) !== ']' && cur.peek(1) !== undefined) {
      const dash = cur.pos
      cur.pos++
      const hi = parseBracketAtom(cur)
      if (item.kind === 'class' || hi.kind === 'class') throw new RegexSyntaxError(`a class escape cannot be a range endpoint (position ${dash})`)
      if (hi.cp === 0x2d && !hi.escaped) throw new RegexSyntaxError(`'-' at position ${dash + 1} must be escaped as \\- when it ends a range`)
      if (hi.cp < item.cp) throw new RegexSyntaxError(`invalid range at position ${at}: start is after end`)
      ranges.push([item.cp, hi.cp])
    } else if (item.kind === 'char') {
      chars.push(item.cp)
    } else if (item.negated) {
      // `[^\W]` etc.: a negated class escape inside brackets contributes its complement as ranges.
      ranges.push(...complementRanges([...item.ranges, ...item.chars.map((cp): CodeRange => [cp, cp])]))
    } else {
      chars.push(...item.chars)
      ranges.push(...item.ranges)
    }
  }
  cur.pos++ // ']'
  return { kind: 'class', negated, chars, ranges }
}

function parseBracketAtom(cur: Cursor): BracketAtom {
  const c = cur.peek()!
  if (c === '[') throw new RegexSyntaxError(`unescaped '[' inside a bracket expression at position ${cur.pos} (POSIX classes such as [:alpha:] are not supported)`)
  if (c === '\\') {
    const atom = parseEscape(cur)
    return atom.kind === 'char' ? { kind: 'char', cp: atom.cp, escaped: true } : atom
  }
  cur.pos++
  return { kind: 'char', cp: c.codePointAt(0)!, escaped: false }
}
