/**
 * Seeded random patterns and texts for the differential tests, and a JavaScript RegExp rendering of
 * a parsed tree used as an independent reference for case-sensitive matching.
 */
import type { RegexNode } from '../../src/query/regex/ast.js'
import { createRandom } from '../../src/testing/random-data.js'

/** A seeded PRNG returning floats in [0, 1): the project's shared generator. */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next
}

type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
const chance = (rng: Rng, p: number): boolean => rng() < p
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))

const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~']
const COMMON = [...'abcAB']
const LETTERS = [...'abcABCkKsSixyz019 _éÉüÄä中文']
const CLASS_ESCAPES = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S']
/** Range endpoints, including wide ones that cross KELVIN SIGN, ſ, İ and ı. */
const ENDPOINTS = [...' !/09AZaceksz~éÄü中文'].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)
/** Punctuation that is literal inside brackets without a backslash. */
const BRACKET_PLAIN = [...'.*+?(){}|$#&~ ']

/**
 * A random pattern from the supported subset, at most 256 code points long. It may still expand
 * past the 2,000-state budget (nested bounds); callers count those refusals.
 */
export function randomPattern(rng: Rng): string {
  for (;;) {
    const pattern = alternation(rng, 0)
    if ([...pattern].length <= 256) return pattern
  }
}

function alternation(rng: Rng, depth: number): string {
  const branches = [concat(rng, depth)]
  while (chance(rng, 0.2)) branches.push(concat(rng, depth))
  return branches.join('|')
}

function concat(rng: Rng, depth: number): string {
  let out = ''
  const n = pick(rng, [0, 1, 1, 2, 2, 3, 3, 4, 5])
  for (let i = 0; i < n; i++) out += item(rng, depth)
  return out
}

function item(rng: Rng, depth: number): string {
  const r = rng()
  if (r < 0.07) return pick(rng, ['^', '$'])
  const atom = r < 0.4 ? literal(rng) : r < 0.5 ? pick(rng, CLASS_ESCAPES) : r < 0.58 ? '.' : r < 0.75 ? bracket(rng) : depth < 3 ? group(rng, depth) : literal(rng)
  return chance(rng, 0.35) ? atom + quantifier(rng) : atom
}

function literal(rng: Rng): string {
  const r = rng()
  if (r < 0.5) return pick(rng, COMMON)
  if (r < 0.8) return pick(rng, LETTERS)
  if (r < 0.95) return `\\${pick(rng, PUNCTUATION)}`
  return pick(rng, ['\\n', '\\t', '\\r', '\\f', '\\v'])
}

function group(rng: Rng, depth: number): string {
  return `(${chance(rng, 0.5) ? '?:' : ''}${alternation(rng, depth + 1)})`
}

function quantifier(rng: Rng): string {
  const n = int(rng, 0, 3)
  return pick(rng, ['*', '+', '?', '*', '+', '?', `{${n}}`, `{${n},}`, `{${n},${n + int(rng, 0, 3)}}`])
}

function bracket(rng: Rng): string {
  let out = chance(rng, 0.3) ? '[^' : '['
  if (chance(rng, 0.1)) out += '-'
  const n = int(rng, 1, 4)
  for (let i = 0; i < n; i++) {
    const r = rng()
    if (r < 0.3) out += literal(rng)
    else if (r < 0.4) out += pick(rng, BRACKET_PLAIN)
    else if (r < 0.55) out += pick(rng, CLASS_ESCAPES)
    else {
      const [a, b] = [pick(rng, ENDPOINTS), pick(rng, ENDPOINTS)].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)
      const esc = (c: string) => (PUNCTUATION.includes(c) ? `\\${c}` : c)
      out += `${esc(a!)}-${esc(b!)}`
    }
  }
  if (chance(rng, 0.1)) out += chance(rng, 0.5) ? '-' : '^'
  return `${out}]`
}

const TEXT_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ...PUNCTUATION, ' ', '\n', '\t', 'é', 'É', 'ü', 'Ä', 'ä', '中', '文']

/** A random text: mostly a few common letters so patterns match often, plus anything else. */
export function randomText(rng: Rng): string {
  const length = chance(rng, 0.1) ? int(rng, 17, 40) : int(rng, 0, 16)
  let out = ''
  for (let i = 0; i < length; i++) out += chance(rng, 0.6) ? pick(rng, [...COMMON, ' ', '\n']) : pick(rng, TEXT_CHARS)
  return out
}

/** The same tree as JavaScript source for `new RegExp(source, 'su')` (case-sensitive only). */
export function toJsSource(node: RegexNode): string {
  const lit = (cp: number) => `\\u{${cp.toString(16)}}`
  switch (node.kind) {
    case 'empty':
      return ''
    case 'char':
      return lit(node.cp)
    case 'any':
      return '.'
    case 'class': {
      const body = node.chars.map(lit).join('') + node.ranges.map(([lo, hi]) => `${lit(lo)}-${lit(hi)}`).join('')
      return `[${node.negated ? '^' : ''}${body}]`
    }
    case 'bol':
      return '^'
    case 'eol':
      return '$'
    case 'group':
      return `(?:${toJsSource(node.body)})`
    case 'concat':
      return node.items.map(toJsSource).join('')
    case 'alt':
      return node.branches.map(toJsSource).join('|')
    case 'repeat':
      return `${toJsSource(node.body)}{${node.min},${node.max ?? ''}}`
  }
}
