/**
 * SQL functions the compiled filters call, registered on the store's connection. They hold the
 * parts of the reference semantics SQLite has no built-in for: JavaScript's Unicode lower-casing
 * (SQLite's lower() folds ASCII only), the date check of `readProfileValue` (normal form only), and the safe
 * regular expressions (matched in linear time; a user pattern never reaches a JavaScript RegExp).
 */
import type Database from 'better-sqlite3'
import { normalizeDate } from '../../src/model/values.js'
import { foldCase } from '../../src/query/evaluate-filter.js'
import { matchSafeRegex, parseSafeRegex, type RegexBudget, type SafeRegex } from '../../src/query/regex/index.js'

export const LOWER_FUNCTION = 'eur_lower'
export const DATE_FUNCTION = 'eur_date'
export const REGEX_FUNCTION = 'eur_regex'

/** Parsed patterns kept per connection; a query reuses its pattern for every row. */
const REGEX_CACHE_SIZE = 64

/**
 * The regex budget of the statement running now. better-sqlite3 is synchronous, so a store sets it
 * around one query and no other query can run meanwhile on its connection.
 */
export interface RegexWork {
  budget: RegexBudget | null
}

/** Where a connection keeps its `RegexWork`, so that stores sharing one connection share it too. */
const REGEX_WORK = Symbol('express-user-router regex work')

/**
 * Registers the functions on `db` and returns the connection's `RegexWork`. Stores sharing one
 * connection get the same one: the function registered last serves them all, and one
 * synchronous query runs at a time.
 */
export function registerFunctions(db: Database.Database): RegexWork {
  const holder = db as unknown as { [REGEX_WORK]?: RegexWork }
  holder[REGEX_WORK] ??= { budget: null }
  const work = holder[REGEX_WORK]
  const options = { deterministic: true, safeIntegers: false }
  db.function(LOWER_FUNCTION, options, (text: unknown) => (typeof text === 'string' ? foldCase(text) : null))
  db.function(DATE_FUNCTION, options, (value: unknown) => (typeof value === 'string' && normalizeDate(value) === value ? value : null))

  const cache = new Map<string, SafeRegex>()
  const compiled = (source: string, ignoreCase: boolean): SafeRegex => {
    const key = `${ignoreCase ? 'i' : '-'}${source}`
    let regex = cache.get(key)
    if (regex === undefined) {
      regex = parseSafeRegex(source, ignoreCase)
      if (cache.size >= REGEX_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      cache.set(key, regex)
    }
    return regex
  }
  // eur_regex(pattern, ignore_case, text): 1 when the pattern matches somewhere in text, else 0.
  db.function(REGEX_FUNCTION, options, (source: unknown, ignoreCase: unknown, text: unknown) => {
    if (typeof text !== 'string' || typeof source !== 'string') return 0
    return matchSafeRegex(compiled(source, ignoreCase === 1), text, work.budget ?? undefined) ? 1 : 0
  })
  return work
}
