/**
 * Thompson construction: the tree becomes a flat program of states in typed arrays, built back to
 * front (each node is compiled knowing the state that follows it, so no patch lists are needed).
 * Counted repetitions are expanded here, and the state budget is checked as states are created so a
 * pattern like `((a{100}){100}){100}` is refused before it can allocate much.
 */
import type { ClassNode, RegexNode } from './ast.js'
import { classRanges, lowerOf, upperOf } from './case-fold.js'
import { RegexSyntaxError } from './errors.js'

export const MAX_STATES = 2000

/** Instruction codes (plain numbers: the matcher's inner loop switches on them). */
export const Op = {
  /** The pattern has matched. */
  Match: 0,
  /** Consumes `arg`. */
  Char: 1,
  /** Consumes `arg` or `arg2` (a letter under ignoreCase). */
  Char2: 2,
  /** Consumes a member of `sets[arg]`. */
  Set: 3,
  /** Consumes any code point. */
  Any: 4,
  /** Epsilon to `out1` and `out2`. */
  Split: 5,
  /** Epsilon to `out1` at the start of the text. */
  Bol: 6,
  /** Epsilon to `out1` at the end of the text. */
  Eol: 7,
} as const
export type Op = (typeof Op)[keyof typeof Op]

/** A code-point set: bitmap for ASCII, sorted flat [lo, hi, lo, hi, ...] ranges beyond. */
export interface CharSet {
  readonly ascii: Uint32Array
  readonly ranges: Int32Array
  readonly negated: boolean
}

export interface Program {
  readonly size: number
  readonly start: number
  readonly op: Uint8Array
  readonly arg: Int32Array
  readonly arg2: Int32Array
  readonly out1: Int32Array
  readonly out2: Int32Array
  readonly sets: readonly CharSet[]
  /** False when no thread can start after position 0 (the pattern is anchored with `^`). */
  readonly restartable: boolean
  /** Scratch space reused by every match (matching is synchronous, so never shared concurrently). */
  readonly scratch: {
    readonly current: Int32Array
    readonly next: Int32Array
    readonly stack: Int32Array
    readonly marks: Uint32Array
    generation: number
    /** Steps of the current search: states examined or entered, for the per-query budget. */
    steps: number
  }
}

class Builder {
  readonly op: number[] = []
  readonly arg: number[] = []
  readonly arg2: number[] = []
  readonly out1: number[] = []
  readonly out2: number[] = []
  readonly sets: CharSet[] = []
  /** Class nodes are widened once, however often a repetition copies them. */
  private readonly setIndex = new Map<ClassNode, number>()

  constructor(private readonly ignoreCase: boolean) {}

  add(op: Op, out1 = -1, out2 = -1, arg = 0, arg2 = 0): number {
    if (this.op.length >= MAX_STATES) throw new RegexSyntaxError('pattern too complex')
    this.op.push(op)
    this.out1.push(out1)
    this.out2.push(out2)
    this.arg.push(arg)
    this.arg2.push(arg2)
    return this.op.length - 1
  }

  /** Compiles `node` so that, having matched it, the program continues at `next`; returns its entry. */
  compile(node: RegexNode, next: number): number {
    switch (node.kind) {
      case 'empty':
        return next
      case 'char':
        return this.char(node.cp, next)
      case 'any':
        return this.add(Op.Any, next)
      case 'class':
        return this.add(Op.Set, next, -1, this.set(node))
      case 'bol':
        return this.add(Op.Bol, next)
      case 'eol':
        return this.add(Op.Eol, next)
      case 'group':
        return this.compile(node.body, next)
      case 'concat': {
        let entry = next
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.compile(node.items[i]!, entry)
        return entry
      }
      case 'alt': {
        let entry = this.compile(node.branches[node.branches.length - 1]!, next)
        for (let i = node.branches.length - 2; i >= 0; i--) entry = this.add(Op.Split, this.compile(node.branches[i]!, next), entry)
        return entry
      }
      case 'repeat':
        return this.repeat(node.body, node.min, node.max, next)
    }
  }

  private repeat(body: RegexNode, min: number, max: number | null, next: number): number {
    // Repeating nothing is nothing; skipping it also stops `(?:(?:(?:){100}){100}){100}...` from
    // looping 100^depth times without ever reaching the state budget.
    if (isVoid(body)) return next
    let entry = next
    if (max === null) {
      const loop = this.add(Op.Split, -1, next)
      this.out1[loop] = this.compile(body, loop)
      entry = loop
    } else {
      // x{0,k}: k nested optional copies, each of which may skip straight to `next`.
      for (let i = min; i < max; i++) entry = this.add(Op.Split, this.compile(body, entry), next)
    }
    for (let i = 0; i < min; i++) entry = this.compile(body, entry)
    return entry
  }

  private char(cp: number, next: number): number {
    if (!this.ignoreCase) return this.add(Op.Char, next, -1, cp)
    // PostgreSQL's allcases(): exactly { lower, upper }, which may leave out cp itself (see case-fold.ts).
    const lower = lowerOf(cp)
    const upper = upperOf(cp)
    return lower === upper ? this.add(Op.Char, next, -1, lower) : this.add(Op.Char2, next, -1, lower, upper)
  }

  private set(node: ClassNode): number {
    const known = this.setIndex.get(node)
    if (known !== undefined) return known
    const ranges = classRanges(node.chars, node.ranges, this.ignoreCase)
    const ascii = new Uint32Array(4)
    for (const [lo, hi] of ranges) for (let cp = lo; cp <= hi && cp < 128; cp++) ascii[cp >>> 5]! |= 1 << (cp & 31)
    if (node.negated) for (let i = 0; i < 4; i++) ascii[i] = ~ascii[i]!
    this.sets.push({ ascii, ranges: Int32Array.from(ranges.flat()), negated: node.negated })
    this.setIndex.set(node, this.sets.length - 1)
    return this.sets.length - 1
  }
}

/** Compiles a parsed pattern; throws RegexSyntaxError("pattern too complex") past MAX_STATES. */
export function compileProgram(root: RegexNode, ignoreCase: boolean): Program {
  const b = new Builder(ignoreCase)
  const match = b.add(Op.Match)
  const start = b.compile(root, match)
  const size = b.op.length
  return {
    size,
    start,
    op: Uint8Array.from(b.op),
    arg: Int32Array.from(b.arg),
    arg2: Int32Array.from(b.arg2),
    out1: Int32Array.from(b.out1),
    out2: Int32Array.from(b.out2),
    sets: b.sets,
    restartable: canStartLater(b, start),
    scratch: { current: new Int32Array(size), next: new Int32Array(size), stack: new Int32Array(size), marks: new Uint32Array(size), generation: 0, steps: 0 },
  }
}

/** Whether `node` compiles to no states at all (it can only ever match the empty string, trivially). */
function isVoid(node: RegexNode): boolean {
  switch (node.kind) {
    case 'empty':
      return true
    case 'group':
      return isVoid(node.body)
    case 'concat':
      return node.items.every(isVoid)
    case 'repeat':
      return node.max === 0 || isVoid(node.body)
    default:
      return false
  }
}

/** Whether the start state leads anywhere away from position 0 (every path not blocked by `^`). */
function canStartLater(b: Builder, start: number): boolean {
  const seen = new Set<number>()
  const stack = [start]
  while (stack.length > 0) {
    const s = stack.pop()!
    if (seen.has(s)) continue
    seen.add(s)
    const op = b.op[s]
    if (op === Op.Bol) continue
    if (op === Op.Split) stack.push(b.out1[s]!, b.out2[s]!)
    else if (op === Op.Eol) stack.push(b.out1[s]!)
    else return true
  }
  return false
}
