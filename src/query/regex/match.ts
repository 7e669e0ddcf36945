/**
 * Set-of-states (Pike VM without captures) simulation of a compiled program: every text code point
 * advances all live states at once, so a search costs O(text length × program size) whatever the
 * pattern. Only whether some match exists is needed, so the first thread to reach Match ends it.
 */
import type { RegexBudget } from './budget.js'
import { Op, type CharSet, type Program } from './compile.js'

/** Whether `cp` is in `set`. */
function inSet(set: CharSet, cp: number): boolean {
  if (cp < 128) return (set.ascii[cp >>> 5]! & (1 << (cp & 31))) !== 0
  const r = set.ranges
  let lo = 0
  let hi = (r.length >>> 1) - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if (cp < r[2 * mid]!) hi = mid - 1
    else if (cp > r[2 * mid + 1]!) lo = mid + 1
    else return !set.negated
  }
  return set.negated
}

/**
 * Adds the epsilon closure of state `s0` to `list` (consuming states only); returns the new list
 * length, or -1 when the closure reaches Match. Each state enters at most once per generation.
 */
function addThread(p: Program, list: Int32Array, length: number, s0: number, atStart: boolean, atEnd: boolean, generation: number): number {
  const { op, out1, out2 } = p
  const { marks, stack } = p.scratch
  if (marks[s0] === generation) return length
  marks[s0] = generation
  let sp = 0
  stack[sp++] = s0
  while (sp > 0) {
    const s = stack[--sp]!
    p.scratch.steps++
    switch (op[s]) {
      case Op.Match:
        return -1
      case Op.Split: {
        const a = out1[s]!
        const b = out2[s]!
        if (marks[b] !== generation) {
          marks[b] = generation
          stack[sp++] = b
        }
        if (marks[a] !== generation) {
          marks[a] = generation
          stack[sp++] = a
        }
        break
      }
      case Op.Bol:
      case Op.Eol: {
        const next = out1[s]!
        if ((op[s] === Op.Bol ? atStart : atEnd) && marks[next] !== generation) {
          marks[next] = generation
          stack[sp++] = next
        }
        break
      }
      default:
        list[length++] = s
    }
  }
  return length
}

function nextGeneration(p: Program): number {
  const scratch = p.scratch
  if (scratch.generation >= 0xfffffffe) {
    scratch.marks.fill(0)
    scratch.generation = 0
  }
  return ++scratch.generation
}

/**
 * True when the program matches somewhere in `text` (an unanchored search over code points). With a
 * budget, the steps taken are charged to it, and the search stops with its error (`query_too_complex`)
 * as soon as the budget is spent: the overrun is at most one character's work.
 */
export function runProgram(p: Program, text: string, budget?: RegexBudget): boolean {
  p.scratch.steps = 0
  const limit = budget === undefined ? Infinity : budget.limit - budget.used
  try {
    return search(p, text, limit)
  } finally {
    // Charges what was spent, and throws once the total passes the limit.
    budget?.spend(p.scratch.steps)
  }
}

function search(p: Program, text: string, limit: number): boolean {
  const { op, arg, arg2, out1, sets, start, restartable } = p
  const scratch = p.scratch
  let current = p.scratch.current
  let next = p.scratch.next
  const end = text.length
  let length = addThread(p, current, 0, start, true, end === 0, nextGeneration(p))
  if (length < 0) return true
  let i = 0
  while (i < end) {
    if (length === 0 && !restartable) return false
    scratch.steps += length
    if (scratch.steps > limit) return false
    let cp = text.charCodeAt(i++)
    if (cp >= 0xd800 && cp <= 0xdbff && i < end) {
      const low = text.charCodeAt(i)
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00)
        i++
      }
    }
    const atEnd = i >= end
    const generation = nextGeneration(p)
    let nextLength = 0
    for (let k = 0; k < length; k++) {
      const s = current[k]!
      let ok: boolean
      switch (op[s]) {
        case Op.Char:
          ok = arg[s] === cp
          break
        case Op.Char2:
          ok = arg[s] === cp || arg2[s] === cp
          break
        case Op.Set:
          ok = inSet(sets[arg[s]!]!, cp)
          break
        default: // Op.Any
          ok = true
      }
      if (ok) {
        nextLength = addThread(p, next, nextLength, out1[s]!, false, atEnd, generation)
        if (nextLength < 0) return true
      }
    }
    if (restartable) {
      nextLength = addThread(p, next, nextLength, start, false, atEnd, generation)
      if (nextLength < 0) return true
    }
    const swap = current
    current = next
    next = swap
    length = nextLength
  }
  return false
}
