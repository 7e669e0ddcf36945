/**
 * Recursive-descent parser for the safe subset. Anything outside the subset is refused here, so the
 * matcher and the PostgreSQL serialiser only ever see constructs whose meaning they share.
 * Positions in messages are 0-based code-point offsets into the pattern.
 */
import type { RegexNode } from './ast.js'
import { Cursor } from './cursor.js'
import { RegexSyntaxError } from './errors.js'
import { parseBracket, parseEscape } from './parse-bracket.js'

export const MAX_PATTERN_LENGTH = 256
export const MAX_NESTING = 20
export const MAX_BOUND = 100

const EMPTY: RegexNode = { kind: 'empty' }

/** Parses `pattern` into a tree; throws RegexSyntaxError with a short reason. */
export function parsePattern(pattern: string): RegexNode {
  // A string of more than 2 * 256 UTF-16 units cannot be 256 code points; avoid splitting huge input.
  if (pattern.length > MAX_PATTERN_LENGTH * 2) throw tooLong()
  const cps: number[] = []
  for (const ch of pattern) {
    const cp = ch.codePointAt(0)!
    if (cp === 0) throw new RegexSyntaxError(`NUL character at position ${cps.length} is not allowed`)
    // PostgreSQL text cannot hold a lone surrogate, so such a pattern could never be translated.
    if (cp >= 0xd800 && cp <= 0xdfff) throw new RegexSyntaxError(`invalid Unicode (lone surrogate) at position ${cps.length}`)
    cps.push(cp)
  }
  if (cps.length > MAX_PATTERN_LENGTH) throw tooLong()
  return new Parser(cps).parseAll()
}

function tooLong(): RegexSyntaxError {
  return new RegexSyntaxError(`pattern too long (more than ${MAX_PATTERN_LENGTH} characters)`)
}

class Parser {
  private readonly cur: Cursor
  private depth = 0

  constructor(cps: readonly number[]) {
    this.cur = new Cursor(cps)
  }

  parseAll(): RegexNode {
    const node = this.parseAlternation()
    if (!this.cur.done) throw this.error(`unbalanced parenthesis at position ${this.cur.pos}`)
    return node
  }

  private get pos(): number {
    return this.cur.pos
  }

  private set pos(value: number) {
    this.cur.pos = value
  }

  private peek(offset = 0): string | undefined {
    return this.cur.peek(offset)
  }

  private error(message: string): RegexSyntaxError {
    return new RegexSyntaxError(message)
  }

  private parseAlternation(): RegexNode {
    const branches = [this.parseConcat()]
    while (this.peek() === '|') {
      this.pos++
      branches.push(this.parseConcat())
    }
    return branches.length === 1 ? branches[0]! : { kind: 'alt', branches }
  }

  private parseConcat(): RegexNode {
    const items: RegexNode[] = []
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) items.push(this.parseQuantified())
    if (items.length === 0) return EMPTY
    return items.length === 1 ? items[0]! : { kind: 'concat', items }
  }

  private parseQuantified(): RegexNode {
    const atom = this.parseAtom()
    const at = this.pos
    const bounds = this.parseQuantifier()
    if (!bounds) return atom
    // PostgreSQL refuses `^*` ("quantifier operand invalid"); JavaScript too.
    if (atom.kind === 'bol' || atom.kind === 'eol') throw this.error(`quantifier after an anchor at position ${at}`)
    const next = this.peek()
    if (next === '?') throw this.error(`lazy quantifiers are not supported (position ${this.pos})`)
    if (next === '+') throw this.error(`possessive quantifiers are not supported (position ${this.pos})`)
    if (next === '*' || (next === '{' && this.boundAhead())) {
      throw this.error(`quantifier cannot follow another quantifier at position ${this.pos}; use a group`)
    }
    return { kind: 'repeat', body: atom, min: bounds.min, max: bounds.max }
  }

  private parseQuantifier(): { min: number; max: number | null } | null {
    switch (this.peek()) {
      case '*':
        this.pos++
        return { min: 0, max: null }
      case '+':
        this.pos++
        return { min: 1, max: null }
      case '?':
        this.pos++
        return { min: 0, max: 1 }
      case '{':
        return this.parseBound()
      default:
        return null
    }
  }

  /** Whether a well-formed `{n}`, `{n,}` or `{n,m}` starts here. */
  private boundAhead(): boolean {
    let i = 1
    const digits = (): number => {
      const from = i
      for (let c = this.peek(i); c !== undefined && c >= '0' && c <= '9'; c = this.peek(i)) i++
      return i - from
    }
    if (digits() === 0) return false
    if (this.peek(i) === ',') {
      i++
      digits()
    }
    return this.peek(i) === '}'
  }

  private parseBound(): { min: number; max: number | null } {
    const start = this.pos
    if (!this.boundAhead()) throw this.error(`unescaped '{' or invalid repetition bound at position ${start} (write \\{ for a literal brace)`)
    this.pos++
    const min = this.readNumber(start)
    let max: number | null = min
    if (this.peek() === ',') {
      this.pos++
      max = this.peek() === '}' ? null : this.readNumber(start)
    }
    this.pos++ // '}'
    if (max !== null && min > max) throw this.error(`invalid repetition bound at position ${start}: minimum ${min} exceeds maximum ${max}`)
    return { min, max }
  }

  private readNumber(start: number): number {
    let text = ''
    for (let c = this.peek(); c !== undefined && c >= '0' && c <= '9'; c = this.peek()) {
      text += c
      this.pos++
    }
    const value = Number(text)
    if (value > MAX_BOUND) throw this.error(`repetition bound at position ${start} is larger than ${MAX_BOUND}`)
    return value
  }

  private parseAtom(): RegexNode {
    const at = this.pos
    const c = this.peek()!
    switch (c) {
      case '(':
        return this.parseGroup()
      case '[':
        return parseBracket(this.cur)
      case '.':
        this.pos++
        return { kind: 'any' }
      case '^':
        this.pos++
        return { kind: 'bol' }
      case '$':
        this.pos++
        return { kind: 'eol' }
      case '\\': {
        const atom = parseEscape(this.cur)
        return atom.kind === 'char' ? { kind: 'char', cp: atom.cp } : { kind: 'class', negated: atom.negated, chars: atom.chars, ranges: atom.ranges }
      }
      case '*':
      case '+':
      case '?':
        throw this.error(`nothing to repeat at position ${at}`)
      case '{':
        if (this.boundAhead()) throw this.error(`nothing to repeat at position ${at}`)
        throw this.error(`unescaped '{' at position ${at} (write \\{ for a literal brace)`)
      case '}':
      case ']':
        throw this.error(`unescaped '${c}' at position ${at} (write \\${c} for a literal)`)
      default:
        this.pos++
        return { kind: 'char', cp: c.codePointAt(0)! }
    }
  }

  private parseGroup(): RegexNode {
    const open = this.pos
    this.pos++
    if (this.peek() === '?') {
      const kind = this.peek(1)
      if (kind === ':') this.pos += 2
      else if (kind === '=' || kind === '!') throw this.error(`lookahead is not supported (position ${open})`)
      else if (kind === '<' && (this.peek(2) === '=' || this.peek(2) === '!')) throw this.error(`lookbehind is not supported (position ${open})`)
      else if (kind === '<' || kind === 'P' || kind === "'") throw this.error(`named groups are not supported (position ${open})`)
      else if (kind === '#') throw this.error(`comments are not supported (position ${open})`)
      else if (kind !== undefined && (kind === '-' || kind.toLowerCase() !== kind.toUpperCase())) throw this.error(`inline flags are not supported (position ${open})`)
      else throw this.error(`invalid group syntax at position ${open}`)
    }
    if (++this.depth > MAX_NESTING) throw this.error(`pattern nested too deeply (more than ${MAX_NESTING} levels) at position ${open}`)
    const body = this.parseAlternation()
    this.depth--
    if (this.peek() !== ')') throw this.error(`unbalanced parenthesis at position ${open}`)
    this.pos++
    return { kind: 'group', body }
  }
}
