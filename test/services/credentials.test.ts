/**
 * The rules for usernames, e-mail addresses and passwords: NFKC forms, no invisible or blank-looking
 * characters, e-mail addresses that the SMTP adapter delivers exactly as stored, and a password
 * policy that refuses the most common passwords.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import addressparser from 'nodemailer/lib/addressparser'
import { MemoryUserStore } from '../../adapters/memory/index.js'
import { parseOptions, type UserRouterOptions } from '../../src/options.js'
import { checkIdentifier, checkPassword } from '../../src/services/credentials.js'
import { COMMON_PASSWORDS, passwordListKey } from '../../src/services/password-policy.js'
import { expectError } from '../helpers/errors.js'

const policy = (password: UserRouterOptions['password'] = {}) => parseOptions({ storage: new MemoryUserStore(), clients: ['c'], password }).password

describe('usernames', () => {
  it('are stored in NFKC form', () => {
    assert.equal(checkIdentifier('username', 'ｆｏｏ_１'), 'foo_1')
    assert.equal(checkIdentifier('username', 'ﬁre'), 'fire')
    assert.equal(checkIdentifier('username', 'cafe\u0301'), 'caf\u00e9')
    assert.equal(checkIdentifier('username', 'Alice_1'), 'Alice_1')
    assert.equal(checkIdentifier('username', '中文名'), '中文名')
  })

  const invisible: [string, string][] = [
    ['zero-width space', 'a\u200bb'],
    ['zero-width non-joiner', 'a\u200cb'],
    ['zero-width joiner', 'a\u200db'],
    ['word joiner', 'a\u2060b'],
    ['byte order mark', '\ufeffab'],
    ['soft hyphen', 'a\u00adb'],
    ['combining grapheme joiner', 'a\u034fb'],
    ['variation selector', 'a\ufe0fb'],
    ['Mongolian vowel separator', 'a\u180eb'],
    ['tag character', 'a\u{e0041}b'],
    ['Hangul filler', 'a\u3164b'],
    ['Hangul filler alone', '\u3164'],
    ['Hangul choseong filler', '\u115f'],
    ['Hangul jungseong filler', '\u1160'],
    ['halfwidth Hangul filler', '\uffa0'],
    ['Braille blank', 'a\u2800b'],
    ['Braille blank alone', '\u2800\u2800'],
    ['space', 'a b'],
    ['ideographic space', 'a\u3000b'],
    ['no-break space', 'a\u00a0b'],
    ['ogham space', 'a\u1680b'],
    ['line separator', 'a\u2028b'],
    ['tab', 'a\tb'],
    ['control character', 'a\u0007b'],
    ['right-to-left override', '\u202eabc'],
    ['left-to-right isolate', 'a\u2066b'],
    ['left-to-right mark', 'a\u200eb'],
    ['a leading combining mark', '\u0301abc'],
  ]
  for (const [what, value] of invisible) {
    it(`refuse a ${what}, naming the field`, () => {
      expectError(() => checkIdentifier('username', value), 'invalid_request', 'username')
      expectError(() => checkIdentifier('username', value, 'name'), 'invalid_request', 'name')
    })
  }

  it('count their length in NFKC form', () => {
    // U+FDFA is one character whose NFKC form has 18.
    expectError(() => checkIdentifier('username', `${'a'.repeat(50)}\ufdfa`), 'invalid_request', 'username')
  })
})

describe('e-mail addresses', () => {
  const refused = [
    'Name <a@b.co>',
    'Name<a@b.co>',
    '"Name" <a@b.co>',
    '"Name"<a@b.co>',
    '<a@b.co>',
    'a@b.co (comment)',
    'a@b.co(comment)',
    '(comment)a@b.co',
    'group: a@b.co;',
    'group:a@b.co;',
    'a@b.co, d@e.fr',
    'a@b.co,d@e.fr',
    'a@b.co,d.fr',
    'a@b.co;d.fr',
    '"a b"@c.de',
    '"a"@c.de',
    'a\\b@c.de',
    'a@[1.2.3.4]',
    'a@b',
    'a..b@c.de',
    '.a@c.de',
    'a.@c.de',
    'a@b..co',
    'a@.b.co',
    'a@-b.co',
    'a@b-.co',
    'a@b.co.',
    'a\u200b@b.co',
    'a@b\u00a0.co',
    'a\u202e@b.co',
    'a@b@c.de',
  ]
  for (const value of refused) {
    it(`refuse ${JSON.stringify(value)}, naming the field`, () => {
      expectError(() => checkIdentifier('email', value), 'invalid_request', 'email')
    })
  }

  const accepted = [
    'alice@example.com',
    'Alice@Example.com',
    "o'brien@example.com",
    'a+tag@example.co.uk',
    '{x}|y~#$%&*+/=?^_`-@b.co',
    'a.b.c@sub-domain.example.org',
    'x/y@z.wz',
    '用户@例子.中国',
    'ü@müller.de',
  ]

  /** The addresses nodemailer's own parser finds in `value` (what the SMTP adapter would send to). */
  function parsed(value: string): { name: string; address: string | undefined; group: unknown }[] {
    return addressparser(value).map((entry) => ({ name: entry.name, address: entry.address, group: entry.group }))
  }

  it('are stored as given, and nodemailer parses each into exactly that one address', () => {
    for (const value of accepted) {
      assert.equal(checkIdentifier('email', value), value)
      assert.deepEqual(parsed(value), [{ name: '', address: value, group: undefined }], value)
    }
  })

  it('are never accepted unless nodemailer parses them into exactly the stored address (random strings)', () => {
    // A small deterministic generator: the same strings on every run.
    let seed = 0x2545f491
    const random = () => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return (seed >>> 0) / 0x1_0000_0000
    }
    const pick = (s: string) => [...s][Math.floor(random() * [...s].length)]!
    const letters = 'abcxyzAB019'
    const specials = '!#$%&\'*+-/=?^_`{|}~.<>()[]\\",:;@ \t\u00a0\u200b\u3000\u2800é中，＠＜；\ufe0f'
    const part = (length: number) => Array.from({ length }, () => (random() < 0.7 ? pick(letters) : pick(specials))).join('')
    let tried = 0
    let acceptedCount = 0
    for (; tried < 40_000; tried++) {
      const value = `${part(1 + Math.floor(random() * 6))}@${part(1 + Math.floor(random() * 4))}.${part(2 + Math.floor(random() * 3))}`
      let stored: string
      try {
        stored = checkIdentifier('email', value)
      } catch {
        continue
      }
      acceptedCount++
      assert.equal(stored, value)
      assert.deepEqual(parsed(value), [{ name: '', address: value, group: undefined }], JSON.stringify(value))
    }
    // Enough accepted addresses, with special characters among them, for the check to mean something.
    assert.ok(acceptedCount > 1000, `only ${acceptedCount} accepted`)
  })
})

describe('the password policy', () => {
  const defaults = policy()

  it('refuses the most common passwords, whatever their letter case or width, naming the field', () => {
    for (const password of ['password', 'password1', 'Password1', 'PASSWORD1', '12345678', 'qwertyuiop', 'iloveyou', 'ｐａｓｓｗｏｒｄ１', 'trustno1']) {
      const error = expectError(() => checkPassword(password, defaults), 'invalid_request', 'password')
      assert.match(error.details![0]!.message, /most common passwords/, password)
    }
    expectError(() => checkPassword('sunshine', defaults, 'new_password'), 'invalid_request', 'new_password')
  })

  it('bundles at least the 10,000 most common passwords, in lower-case ASCII (their lookup form)', () => {
    assert.ok(COMMON_PASSWORDS.length >= 10_000, `${COMMON_PASSWORDS.length} passwords`)
    assert.deepEqual(COMMON_PASSWORDS.slice(0, 3), ['123456', 'password', '12345678'])
    for (const password of COMMON_PASSWORDS) {
      assert.match(password, /^[\x21-\x7e]+$/)
      assert.equal(passwordListKey(password), password)
    }
  })

  it('refuses passwords of one repeated character or only whitespace', () => {
    for (const password of ['aaaaaaaa', 'AaAaAaAa', 'zzzzzzzzzzzzzzzzz', '        ', '\t \t \t \t ', '\u3000'.repeat(8), '\u00a0'.repeat(9)]) {
      const error = expectError(() => checkPassword(password, defaults), 'invalid_request', 'password')
      assert.doesNotMatch(error.details![0]!.message, /most common/, JSON.stringify(password))
    }
  })

  it('accepts passphrases that are not on the list', () => {
    for (const password of ['correct horse 1', 'battery staple 2', 'Tr0ub4dor&3 horse', '我的密码很长很长']) checkPassword(password, defaults)
  })

  it('can leave common passwords allowed, still refusing repeated characters', () => {
    const lax = policy({ rejectCommon: false })
    checkPassword('password1', lax)
    expectError(() => checkPassword('11111111', lax), 'invalid_request', 'password')
  })

  it('refuses the passwords of an app-supplied list, case-insensitively and in NFKC form', () => {
    const own = policy({ rejectList: ['Acme-Corp-2024', 'ｍｙａｐｐ ｒｏｃｋｓ'] })
    for (const password of ['acme-corp-2024', 'ACME-CORP-2024', 'myapp rocks']) {
      const error = expectError(() => checkPassword(password, own), 'invalid_request', 'password')
      assert.match(error.details![0]!.message, /refused/, password)
    }
    checkPassword('acme-corp-2025', own)
  })

  it('refuses a password equal to the account name or e-mail address', () => {
    expectError(() => checkPassword('Alice_the_great', defaults, 'password', ['alice_the_great']), 'invalid_request', 'password')
    expectError(() => checkPassword('bob@example.com', defaults, 'new_password', [null, 'Bob@Example.com']), 'invalid_request', 'new_password')
    checkPassword('correct horse 1', defaults, 'password', ['alice_the_great', null])
  })

  it('counts the length in NFKC form', () => {
    // Four ligatures are eight letters once normalised, then fail as one repeated character.
    expectError(() => checkPassword('\ufb00\ufb00\ufb00\ufb00', defaults), 'invalid_request', 'password')
    // Eight fullwidth letters make eight letters: long enough.
    checkPassword('ｂａｔｔｅｒｙ ｓｔａｐｌｅ', defaults)
  })
})
