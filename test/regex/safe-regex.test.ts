import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import { RegexSyntaxError, matchSafeRegex, parseSafeRegex, toPostgresRegex, type SafeRegex } from '../../src/query/regex/index.js'
import { seededRandom, randomPattern, randomText, toJsSource } from './regex-fuzz.js'
import { POSTGRES_URL } from '../helpers/postgres.js'

const matches = (pattern: string, text: string, ignoreCase = false): boolean => matchSafeRegex(parseSafeRegex(pattern, ignoreCase), text)

function rejects(pattern: string, reason: RegExp): void {
  assert.throws(
    () => parseSafeRegex(pattern, false),
    (error: unknown) => error instanceof RegexSyntaxError && reason.test(error.message),
  )
}

describe('safe regex: features', () => {
  it('finds a literal anywhere in the text', () => {
    assert.equal(matches('abc', 'xxabcxx'), true)
    assert.equal(matches('abc', 'ab c'), false)
  })
  it('treats the pattern and the text as code points', () => {
    assert.equal(matches('^.$', '😀'), true)
    assert.equal(matches('^[😀-😂]{2}$', '😁😂'), true)
    assert.equal(matches('中文', '说中文'), true)
  })
  it('matches any code point, newline included, with a dot', () => {
    assert.equal(matches('a.c', 'a\nc'), true)
    assert.equal(matches('^.$', ''), false)
  })
  it('anchors ^ and $ to the whole text only', () => {
    assert.equal(matches('^abc$', 'abc'), true)
    assert.equal(matches('^b', 'a\nb'), false)
    assert.equal(matches('a$', 'a\n'), false)
    assert.equal(matches('a^b', 'ab'), false)
    assert.equal(matches('(^|x)b', 'ab'), false)
    assert.equal(matches('(^|x)b', 'b'), true)
  })
  it('matches everything with the empty pattern, an empty group or an empty branch', () => {
    for (const pattern of ['', '()', '(?:)', 'a|', '|a']) assert.equal(matches(pattern, 'xyz'), true, pattern)
    assert.equal(matches('', ''), true)
  })
  it('groups with and without ?: and alternates with |', () => {
    assert.equal(matches('^(ab|cd)+$', 'abcdab'), true)
    assert.equal(matches('^(?:ab|cd)+$', 'abcda'), false)
    assert.equal(matches('^(a|b|)c$', 'c'), true)
  })
  it('repeats with *, +, ? and counted bounds', () => {
    assert.equal(matches('^a*$', ''), true)
    assert.equal(matches('^a+$', ''), false)
    assert.equal(matches('^ab?c$', 'ac'), true)
    assert.equal(matches('^a{3}$', 'aaa'), true)
    assert.equal(matches('^a{3}$', 'aaaa'), false)
    assert.equal(matches('^a{2,}$', 'aaaaa'), true)
    assert.equal(matches('^a{2,3}$', 'aaaa'), false)
    assert.equal(matches('^(ab){0}$', ''), true)
    assert.equal(matches('^(?:a{2}){2}$', 'aaaa'), true)
  })
  it('survives repeated groups that can match empty', () => {
    assert.equal(matches('^(a*)*$', 'aaa'), true)
    assert.equal(matches('^(a?){5}b$', 'aab'), true)
    assert.equal(matches('(^)*a', 'ba'), true)
    assert.equal(matches('^()*$', ''), true)
  })
  it('matches bracket expressions, ranges and negation', () => {
    assert.equal(matches('^[abc]+$', 'cab'), true)
    assert.equal(matches('^[a-cx-z]+$', 'bxz'), true)
    assert.equal(matches('[^a-c]', 'abc'), false)
    assert.equal(matches('[^a-c]', 'abc\n'), true)
    assert.equal(matches('^[-a]+$', 'a-'), true)
    assert.equal(matches('^[a-]+$', '-a'), true)
    assert.equal(matches('^[\\]\\[\\\\\\-^]+$', '][\\-^'), true)
    assert.equal(matches('^[.*+?(){}|$]+$', '.*+?(){}|$'), true)
  })
  it('uses ASCII-only \\d, \\w and \\s, inside and outside brackets', () => {
    assert.equal(matches('^\\d+$', '0189'), true)
    assert.equal(matches('\\d', '٣'), false)
    assert.equal(matches('^\\w+$', 'a_Z9'), true)
    assert.equal(matches('\\w', 'é'), false)
    assert.equal(matches('^\\s+$', ' \t\n\r\f\v'), true)
    assert.equal(matches('\\s', '\u00a0'), false)
    assert.equal(matches('^\\D\\W\\S$', 'a-b'), true)
    assert.equal(matches('^[\\d\\s]+$', '1 2'), true)
    assert.equal(matches('^[^\\W]+$', 'ab_1'), true)
    assert.equal(matches('[^\\W]', 'é-'), false)
    assert.equal(matches('^[\\Dx]+$', 'ab'), true)
  })
  it('reads control-character and punctuation escapes', () => {
    assert.equal(matches('^\\t\\n\\r\\f\\v$', '\t\n\r\f\v'), true)
    assert.equal(matches('^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/\\-\\!\\#$', '.*+?()[]{}|^$\\/-!#'), true)
    assert.equal(matches('a\\.b', 'axb'), false)
  })
  it('ignores case for ASCII and other letters when asked', () => {
    assert.equal(matches('ABC', 'xabcx', true), true)
    assert.equal(matches('ABC', 'xabcx', false), false)
    assert.equal(matches('^é[Ä]ü$', 'ÉäÜ', true), true)
    assert.equal(matches('^[a-c]+$', 'ABC', true), true)
    assert.equal(matches('^[^a-c]$', 'B', true), false)
    assert.equal(matches('^\\W$', 'A', true), false)
  })
  it('widens the pattern the way PostgreSQL ~* does, not the text', () => {
    // KELVIN SIGN (U+212A) lower-cases to k, so a range containing it matches k but not K.
    assert.equal(matches('[Ä-中]', 'k', true), true)
    assert.equal(matches('[Ä-中]', 'K', true), false)
    // A title-case letter matches its lower and upper forms only (PostgreSQL's allcases()).
    assert.equal(matches('ǅ', 'ǅ', true), false)
    assert.equal(matches('ǅ', 'ǆ', true), true)
    assert.equal(matches('[ǅ-ǅ]', 'ǅ', true), true)
    assert.equal(matches('İ', 'i', true), true)
    assert.equal(matches('i', 'İ', true), false)
  })
  it('compiles once and can be reused for many texts', () => {
    const re = parseSafeRegex('^a+b$', false)
    assert.equal(re.source, '^a+b$')
    assert.equal(re.ignoreCase, false)
    for (let n = 1; n < 50; n++) assert.equal(matchSafeRegex(re, `${'a'.repeat(n)}b`), true)
    assert.equal(matchSafeRegex(re, 'b'), false)
  })
})

describe('safe regex: rejections', () => {
  const cases: [string, string, RegExp][] = [
    ['an unclosed group', '(ab', /unbalanced parenthesis at position 0/],
    ['an unopened group', 'ab)', /unbalanced parenthesis at position 2/],
    ['a quantifier with nothing to repeat', '*a', /nothing to repeat at position 0/],
    ['a quantifier after an alternation bar', 'a|+', /nothing to repeat/],
    ['a bound with nothing to repeat', '{2}', /nothing to repeat/],
    ['a quantifier on an anchor', '^*a', /quantifier after an anchor/],
    ['a lazy quantifier', 'a*?', /lazy/],
    ['a lazy bound', 'a{2,3}?', /lazy/],
    ['a possessive quantifier', 'a++', /possessive/],
    ['a stacked quantifier', 'a*{2}', /cannot follow another quantifier/],
    ['a bound above 100', 'a{101}', /larger than 100/],
    ['a bound whose minimum exceeds its maximum', 'a{3,2}', /exceeds maximum/],
    ['a bound without a minimum', 'a{,2}', /invalid repetition bound/],
    ['an unescaped brace', 'a{x', /unescaped '\{'/],
    ['an unescaped closing brace', 'a}', /unescaped '\}'/],
    ['an unescaped closing bracket', 'a]', /unescaped '\]'/],
    ['an unterminated bracket expression', '[ab', /unterminated bracket/],
    ['a bracket starting with ]', '[]a]', /must be escaped as \\\]/],
    ['an empty negated bracket', '[^]', /must be escaped as \\\]/],
    ['a POSIX class', '[[:alpha:]]', /POSIX classes/],
    ['PostgreSQL word-boundary brackets', '[[:<:]]a', /POSIX classes/],
    ['a reversed range', '[z-a]', /start is after end/],
    ['a class escape as a range endpoint', '[\\d-z]', /range endpoint/],
    ['an ambiguous dash', '[a-c-e]', /must be escaped as \\-/],
    ['a word boundary', 'a\\b', /word-boundary/],
    ['a backreference', '(a)\\1', /backreferences/],
    ['a \\u escape', '\\u0041', /unsupported escape \\u/],
    ['a \\x escape', '\\x41', /unsupported escape \\x/],
    ['a Unicode property', '\\p{L}', /unsupported escape \\p/],
    ['PostgreSQL-only escapes', '\\m\\M\\y\\A\\Z', /unsupported escape \\m/],
    ['an escaped space', '\\ ', /unsupported escape/],
    ['a trailing backslash', 'a\\', /trailing backslash/],
    ['a lookahead', 'a(?=b)', /lookahead/],
    ['a negative lookahead', 'a(?!b)', /lookahead/],
    ['a lookbehind', '(?<=a)b', /lookbehind/],
    ['a negative lookbehind', '(?<!a)b', /lookbehind/],
    ['a named group', '(?<name>a)', /named groups/],
    ['inline flags', '(?i)a', /inline flags/],
    ['a comment group', '(?#note)a', /comments/],
    ['a PostgreSQL director', '***:a', /nothing to repeat/],
    ['a NUL character', 'a\u0000', /NUL/],
    ['a lone surrogate', 'a\ud800', /lone surrogate/],
    ['a pattern longer than 256 characters', 'a'.repeat(257), /too long/],
    ['groups nested more than 20 deep', `${'('.repeat(21)}a${')'.repeat(21)}`, /nested too deeply/],
    ['a repetition that expands past 2,000 states', '(?:a{100}){21}', /^pattern too complex$/],
    ['nested repetitions that would explode', '((a{100}){100}){100}', /^pattern too complex$/],
  ]
  for (const [what, pattern, reason] of cases) {
    it(`rejects ${what}`, () => rejects(pattern, reason))
  }
  it('accepts a pattern of exactly 256 characters, 20 nested groups and about 2,000 states', () => {
    parseSafeRegex('😀'.repeat(256), false)
    parseSafeRegex(`${'('.repeat(20)}a${')'.repeat(20)}`, false)
    parseSafeRegex('(?:a{100}){19}', true)
  })
})

describe('safe regex: no catastrophic backtracking', () => {
  const long = 'a'.repeat(10_000)
  it('finishes (a+)+$ on 10,000 characters', () => {
    assert.equal(matches('(a+)+$', long), true)
    assert.equal(matches('(a+)+$', `${long}!`), false)
  })
  it('finishes ^(a+)+$ on 10,000 characters plus a mismatch', () => assert.equal(matches('^(a+)+$', `${long}!`), false))
  it('finishes (a|aa)*b on 10,000 characters', () => assert.equal(matches('(a|aa)*b', long), false))
  it('finishes (.*a){20} on 10,000 characters', () => {
    assert.equal(matches('(.*a){20}', long), true)
    assert.equal(matches('(.*a){20}', 'a'.repeat(19) + 'b'.repeat(10_000)), false)
  })
  it('finishes a*a*a*a*a*a*a*b on 10,000 characters', () => assert.equal(matches('a*a*a*a*a*a*a*b', long), false))
  it('compiles 20 nested repetitions of an empty group without expanding them', () => {
    const pattern = `${'(?:'.repeat(20)}){100}${'){100}'.repeat(19)}`
    assert.equal(matchSafeRegex(parseSafeRegex(pattern, false), 'x'), true)
  })
  it('finishes case-insensitive (A|a|aA)*$ plus a mismatch on 10,000 characters', () => {
    assert.equal(matches('^(A|a|aA)*$', `${long}b`, true), false)
  })
})

describe('safe regex: PostgreSQL translation', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a.b', 'a.b'],
    ['^(a|b)*$', '^(?:a|b)*$'],
    ['x{2}y{2,}z{2,5}', 'x{2}y{2,}z{2,5}'],
    ['\\d\\D', '[0-9][^0-9]'],
    ['\\w\\W', '[\\_0-9A-Za-z][^\\_0-9A-Za-z]'],
    ['\\s', '[ \\u0009-\\u000d]'],
    ['[^a\\]\\-]', '[^a\\]\\-]'],
    ['\\.\\*\\#', '\\.\\*\\#'],
    ['\\t1', '\\u00091'],
    ['é中', 'é中'],
  ]
  for (const [pattern, are] of cases) {
    it(`translates ${JSON.stringify(pattern)} to ${JSON.stringify(are)}`, () => assert.equal(toPostgresRegex(parseSafeRegex(pattern, false)), are))
  }
  it('does not encode case-insensitivity in the pattern', () => {
    assert.equal(toPostgresRegex(parseSafeRegex('Ab', true)), 'Ab')
  })
})

const SEED = Number(process.env.REGEX_FUZZ_SEED ?? 0x5eed)
const RANDOM_PATTERNS = 300
const RANDOM_TEXTS = 300

/** Hand-picked cases: anchors in loops, and letters whose case mappings are not one-to-one. */
const CURATED_PATTERNS = [
  '(^)*a',
  'a($)*',
  '(^a|b)+$',
  '()*',
  '(|a)+b',
  '$^',
  '^$',
  '[^\\n]',
  '[\\s\\S]',
  '[\\D\\d]',
  '\\W',
  '[\\W]',
  '[^\\W]',
  'ǅ',
  '[ǅ]',
  '[ǅ-ǅ]',
  'İ',
  'ı',
  'ß',
  'ᾳ',
  'k',
  's',
  '[Ä-中]',
  '[^Ä-中]',
  '[a-z]',
  '[^a-z]',
  'ä',
  '[é]',
]
const CURATED_TEXTS = ['', 'a', 'b', 'ab', '\n', 'ǅ', 'ǆ', 'Ǆ', 'İ', 'i', 'I', 'ı', 'K', 'k', '\u212a', 'ſ', 's', 'S', 'ß', 'ẞ', 'ᾳ', 'ᾼ', 'Ä', 'ä', 'É', 'é']

interface Corpus {
  readonly pairs: readonly { readonly sensitive: SafeRegex; readonly insensitive: SafeRegex }[]
  readonly texts: readonly string[]
  /** Random patterns refused as "pattern too complex" (the generator's nested bounds can overshoot). */
  readonly tooComplex: number
}

function buildCorpus(): Corpus {
  const rng = seededRandom(SEED)
  const sources = [...CURATED_PATTERNS]
  for (let i = 0; i < RANDOM_PATTERNS; i++) sources.push(randomPattern(rng))
  const texts = [...CURATED_TEXTS]
  for (let i = 0; i < RANDOM_TEXTS; i++) texts.push(randomText(rng))
  let tooComplex = 0
  const pairs: Corpus['pairs'][number][] = []
  for (const source of sources) {
    try {
      pairs.push({ sensitive: parseSafeRegex(source, false), insensitive: parseSafeRegex(source, true) })
    } catch (error) {
      if (!(error instanceof RegexSyntaxError) || error.message !== 'pattern too complex') throw new Error(`generated ${JSON.stringify(source)}: ${String(error)}`)
      tooComplex++
    }
  }
  return { pairs, texts, tooComplex }
}

type PostgresRow = { readonly cs: string; readonly ci: string } | Error

/**
 * For each [pattern for ~, pattern for ~*], one '0'/'1' per row of regex_texts. One batched query;
 * if PostgreSQL refuses any pattern, each is retried alone so the refusal names its pattern.
 */
async function matchInPostgres(client: pg.Client, patterns: readonly (readonly [string, string])[]): Promise<PostgresRow[]> {
  const perText = `string_agg(CASE WHEN t ~ p.cs THEN '1' ELSE '0' END, '' ORDER BY n) AS cs,
                   string_agg(CASE WHEN t ~* p.ci THEN '1' ELSE '0' END, '' ORDER BY n) AS ci`
  try {
    const { rows } = await client.query<{ cs: string; ci: string }>(
      `SELECT ${perText} FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(cs, ci, k) CROSS JOIN regex_texts GROUP BY k ORDER BY k`,
      [patterns.map((p) => p[0]), patterns.map((p) => p[1])],
    )
    return rows
  } catch {
    const rows: PostgresRow[] = []
    for (const [cs, ci] of patterns) {
      try {
        rows.push((await client.query<{ cs: string; ci: string }>(`SELECT ${perText} FROM (SELECT $1::text AS cs, $2::text AS ci) AS p, regex_texts`, [cs, ci])).rows[0]!)
      } catch (error) {
        rows.push(new Error(`PostgreSQL refused ${JSON.stringify(cs)}: ${(error as Error).message}`))
      }
    }
    return rows
  }
}

async function connect(): Promise<pg.Client | string> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    return client
  } catch (error) {
    await client.end().catch(() => undefined)
    return `PostgreSQL not reachable at ${POSTGRES_URL} (${(error as Error).message})`
  }
}

describe('safe regex: differential tests', () => {
  const corpus = buildCorpus()

  it('agrees with JavaScript RegExp (flags su) on case-sensitive matching of random patterns and short texts', () => {
    // RegExp backtracks, so random nested quantifiers like ((?:.+))*x are only fed short texts.
    const shortTexts = corpus.texts.filter((text) => [...text].length <= 8)
    const bad: string[] = []
    for (const { sensitive } of corpus.pairs) {
      const reference = new RegExp(toJsSource(sensitive.ast), 'su')
      for (const text of shortTexts) {
        if (reference.test(text) !== matchSafeRegex(sensitive, text)) bad.push(`${JSON.stringify(sensitive.source)} on ${JSON.stringify(text)}`)
      }
    }
    assert.deepEqual(bad.slice(0, 20), [])
  })

  it('agrees with PostgreSQL ~ and ~* on every random pattern and text', async (t) => {
    const client = await connect()
    if (typeof client === 'string') {
      if (process.env.CI === 'true') assert.fail(`${client}; CI requires it`)
      t.skip(`${client}: skipped`)
      return
    }
    try {
      await client.query('CREATE TEMP TABLE regex_texts (n int PRIMARY KEY, t text NOT NULL)')
      await client.query('INSERT INTO regex_texts SELECT n, t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n)', [corpus.texts])
      const patterns = corpus.pairs.map(({ sensitive, insensitive }) => [toPostgresRegex(sensitive), toPostgresRegex(insensitive)] as const)
      const results = await matchInPostgres(client, patterns)
      const bad: string[] = []
      let trues = 0
      corpus.pairs.forEach(({ sensitive, insensitive }, i) => {
        const row = results[i]!
        if (row instanceof Error) {
          bad.push(row.message)
          return
        }
        corpus.texts.forEach((text, j) => {
          for (const [re, flag, op] of [
            [sensitive, row.cs[j], '~'],
            [insensitive, row.ci[j], '~*'],
          ] as const) {
            const ours = matchSafeRegex(re, text)
            if (ours) trues++
            if (ours !== (flag === '1'))
              bad.push(`${JSON.stringify(text)} ${op} ${JSON.stringify(toPostgresRegex(re))} (from ${JSON.stringify(re.source)}): PostgreSQL ${flag === '1'}, ours ${ours}`)
          }
        })
      })
      const checks = corpus.pairs.length * corpus.texts.length * 2
      t.diagnostic(
        `seed ${SEED}: ${corpus.pairs.length} patterns (${corpus.tooComplex} generated ones refused as too complex) × ${corpus.texts.length} texts × 2 operators = ${checks} checks, ${trues} matches`,
      )
      assert.deepEqual(bad.slice(0, 20), [], `${bad.length} disagreements`)
      // Guard against a degenerate generator: both outcomes must be common.
      assert.ok(trues > checks * 0.1 && trues < checks * 0.9, `match rate ${trues}/${checks}`)
    } finally {
      await client.end()
    }
  })
})
