/**
 * Passwords are hashed and checked in NFKC form. Hashes made from the raw form (before passwords
 * were normalised) keep working and ask to be upgraded; a wrong password costs a second scrypt
 * run only when its raw form differs from its NFKC form.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import * as scryptModule from 'scrypt-kdf'
import { hashPassword, PasswordHasher } from '../../src/services/passwords.js'

const Scrypt = (scryptModule as unknown as { default: { kdf(password: string, params: object): Promise<Uint8Array>; verify(key: Uint8Array, password: string): Promise<boolean> } })
  .default
const SCRYPT = { logN: 4, r: 8, p: 1 }
const hasher = () => new PasswordHasher({ scrypt: SCRYPT, maxConcurrent: 1, maxQueued: 10 })
/** A hash of exactly these characters, as made before passwords were normalised. */
const rawHash = async (password: string) => Buffer.from(await Scrypt.kdf(password, SCRYPT)).toString('base64')

const FULLWIDTH = 'ｃｏｒｒｅｃｔ horse 1'
const NFKC = 'correct horse 1'

it('hashes the NFKC form: another spelling of the same password matches', async () => {
  const passwords = hasher()
  const hash = await passwords.hash(FULLWIDTH)
  assert.deepEqual(await passwords.check(hash, NFKC), { ok: true, needsRehash: false })
  assert.deepEqual(await passwords.check(hash, FULLWIDTH), { ok: true, needsRehash: false })
  assert.equal(await Scrypt.verify(Buffer.from(hash, 'base64'), NFKC), true)
  // The seeding helper hashes the same form.
  assert.equal(await Scrypt.verify(Buffer.from(await hashPassword(FULLWIDTH, SCRYPT), 'base64'), NFKC), true)
})

it('accepts a hash of the raw form, asks for an upgrade, and counts both verifications', async () => {
  const passwords = hasher()
  const legacy = await rawHash(FULLWIDTH)
  const before = passwords.computed
  assert.deepEqual(await passwords.check(legacy, FULLWIDTH), { ok: true, needsRehash: true })
  assert.equal(passwords.computed - before, 2)
  // The NFKC spelling never matched the raw hash, and still does not.
  assert.deepEqual(await passwords.check(legacy, NFKC), { ok: false, needsRehash: false })
})

it('costs one verification for a wrong password already in NFKC form, two only when its raw form differs', async () => {
  const passwords = hasher()
  const hash = await passwords.hash(NFKC)
  const cost = async (stored: string | null, password: string) => {
    const before = passwords.computed
    assert.equal((await passwords.check(stored, password)).ok, false)
    return passwords.computed - before
  }
  assert.equal(await cost(hash, 'wrong horse 1'), 1)
  assert.equal(await cost(hash, 'ｗｒｏｎｇ horse 1'), 2)
  // Unknown accounts cost the same as known ones (the dummy hash is made once, then only verified).
  await cost(null, 'warm up the dummy hash')
  assert.equal(await cost(null, 'wrong horse 1'), 1)
  assert.equal(await cost(null, 'ｗｒｏｎｇ horse 1'), 2)
  // A password matching in NFKC form costs one.
  const before = passwords.computed
  assert.equal((await passwords.check(hash, 'ｃｏｒｒｅｃｔ horse 1')).ok, true)
  assert.equal(passwords.computed - before, 1)
})
