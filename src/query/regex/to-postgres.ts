/**
 * Serialises the tree as a PostgreSQL ARE (advanced regular expression) for `~` / `~*`.
 * Checked against PostgreSQL 15: in an ARE `.` and `[^...]` match newline and `^`/`$` anchor the
 * whole string by default, so no embedded options are needed. Every ASCII punctuation literal is
 * written `\x` (an ARE escape meaning the literal, also inside brackets), so nothing the user typed
 * can become an operator, a POSIX class or a director such as `***:`. Control characters become
 * `\uXXXX` (exactly four hex digits, so a following literal digit cannot extend the escape).
 */
import { MAX_CODE_POINT, type ClassNode, type RegexNode } from './ast.js'
import { lowerOf, upperOf } from './case-fold.js'

/** The ARE equivalent of `node`. */
export function toAre(node: RegexNode): string {
  switch (node.kind) {
    case 'empty':
      return ''
    case 'char':
      return literal(node.cp)
    case 'any':
      return '.'
    case 'class':
      return bracket(node)
    case 'bol':
      return '^'
    case 'eol':
      return '$'
    case 'group':
      return `(?:${toAre(node.body)})`
    case 'concat':
      return node.items.map(toAre).join('')
    case 'alt':
      return node.branches.map(toAre).join('|')
    case 'repeat':
      return toAre(node.body) + quantifier(node.min, node.max)
  }
}

function quantifier(min: number, max: number | null): string {
  if (max === null) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`
  if (min === 0 && max === 1) return '?'
  return min === max ? `{${min}}` : `{${min},${max}}`
}

function literal(cp: number): string {
  if (cp < 0x80) {
    if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return String.fromCharCode(cp)
    if (cp > 0x20 && cp < 0x7f) return `\\${String.fromCharCode(cp)}`
    if (cp === 0x20) return ' '
  }
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `\\u${cp.toString(16).padStart(4, '0')}`
  return String.fromCodePoint(cp)
}

/**
 * A bracket with the node's own items. Class escapes were already expanded to explicit ASCII ranges
 * by the parser (PostgreSQL's `\w` and `[[:alpha:]]` follow the locale, ours do not). Code points
 * PostgreSQL text cannot contain (NUL, surrogates) are trimmed from range ends; they change nothing.
 */
function bracket(node: ClassNode): string {
  let body = ''
  for (const cp of new Set(node.chars)) body += literal(cp)
  for (const [from, to] of node.ranges) {
    const lo = from === 0 ? 1 : from >= 0xd800 && from <= 0xdfff ? 0xe000 : from
    const hi = to >= 0xd800 && to <= 0xdfff ? 0xd7ff : Math.min(to, MAX_CODE_POINT)
    if (lo > hi) continue
    // A one-point range of an uncased character is the same as the character under `~*`.
    if (lo === hi && lowerOf(lo) === lo && upperOf(lo) === lo) body += literal(lo)
    else body += `${literal(lo)}-${literal(hi)}`
  }
  // Only reachable for a set of nothing but NUL/surrogates, which the parser never produces.
  if (body === '') return node.negated ? '.' : '[^\\u0001-\\U0010FFFF]'
  return `[${node.negated ? '^' : ''}${body}]`
}
