/**
 * The public face of the module: parse once (validating and compiling), then match many times or
 * hand the translated pattern to PostgreSQL. See parse.ts for the accepted subset and case-fold.ts
 * for what "ignore case" means.
 */
import type { RegexNode } from './ast.js'
import type { RegexBudget } from './budget.js'
import { compileProgram, type Program } from './compile.js'
import { RegexSyntaxError } from './errors.js'
import { runProgram } from './match.js'
import { parsePattern } from './parse.js'
import { toAre } from './to-postgres.js'

/** A validated, compiled pattern from the safe subset. Create with `parseSafeRegex`. */
export interface SafeRegex {
  /** The pattern exactly as the user wrote it. */
  readonly source: string
  readonly ignoreCase: boolean
  /** @internal The parsed tree (used for the PostgreSQL translation). */
  readonly ast: RegexNode
  /** @internal The compiled state program (used by the matcher). */
  readonly program: Program
}

/**
 * Validates `pattern` against the safe subset and compiles it.
 * @throws RegexSyntaxError with a short English reason, e.g. "unbalanced parenthesis at position 3".
 */
export function parseSafeRegex(pattern: string, ignoreCase: boolean): SafeRegex {
  if (typeof pattern !== 'string') throw new RegexSyntaxError('pattern must be a string')
  const ast = parsePattern(pattern)
  const program = compileProgram(ast, ignoreCase === true)
  return Object.freeze({ source: pattern, ignoreCase: ignoreCase === true, ast, program })
}

/**
 * Whether `re` matches anywhere in `text` (like `RegExp.prototype.test` or PostgreSQL `~`), in time
 * linear in the length of `text`. Text is read as code points; a lone surrogate is one code point.
 * With a `budget` (one per query), the work is charged to it and the search throws
 * `query_too_complex` once the budget is spent.
 */
export function matchSafeRegex(re: SafeRegex, text: string, budget?: RegexBudget): boolean {
  return runProgram(re.program, text, budget)
}

/**
 * The pattern for PostgreSQL's `~` operator, or `~*` when `re.ignoreCase` (case-insensitivity is
 * not encoded in the pattern). `col ~ toPostgresRegex(re)` agrees with `matchSafeRegex` on every
 * text PostgreSQL can store, given a UTF-8 database with a Unicode-aware ctype (see case-fold.ts).
 */
export function toPostgresRegex(re: SafeRegex): string {
  return toAre(re.ast)
}
