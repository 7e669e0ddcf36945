/**
 * The exported conformance suites as an adapter author uses them: a plain-JavaScript test file
 * importing `express-user-router/testing` (the built package, through its `exports`), run with
 * `node --test` in a folder of its own. A store broken in one rule must fail with a message saying
 * in words what the rule expected; the shipped in-memory stores must pass. Run after a build.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** What an adapter author writes: both suites, on the shipped stores or on copies broken in one rule. */
const TEST_FILE = `
import { describeKeyValueStoreConformance, describeUserStoreConformance } from 'express-user-router/testing'
import { MemoryKeyValueStore, MemoryUserStore } from 'express-user-router/adapters/memory'

/** Finds e-mails only in the letter case they were stored in. */
class CaseSensitiveEmailStore extends MemoryUserStore {
  async getUserByIdentifier(kind, value) {
    const user = await super.getUserByIdentifier(kind, value)
    return kind === 'email' && user !== null && user.email !== value ? null : user
  }
}

/** Counts every key it was given, present or not. */
class OvercountingKeyValueStore extends MemoryKeyValueStore {
  async delete(keys) {
    await super.delete(keys)
    return keys.length
  }
}

const broken = process.env.BROKEN === '1'
describeUserStoreConformance('users', () => (broken ? new CaseSensitiveEmailStore() : new MemoryUserStore()), { users: 40, queries: 20, updates: 20 })
describeKeyValueStoreConformance('keys', () => (broken ? new OvercountingKeyValueStore() : new MemoryKeyValueStore()))
`

interface Run {
  code: number | null
  output: string
}

/** `node --test` on the file, as a separate process (not a subtest of this run). */
function nodeTest(cwd: string, file: string, env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  delete childEnv.NODE_TEST_CONTEXT // else the child reports to this runner instead of printing
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], { cwd, env: childEnv })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, output }))
  })
}

describe('the conformance suites from plain JavaScript with node --test', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eur-conformance-'))
    // The package as an app's node_modules has it: its `exports` decide what can be imported.
    await mkdir(join(dir, 'node_modules'))
    await symlink(ROOT, join(dir, 'node_modules', 'express-user-router'), 'dir')
    await writeFile(join(dir, 'my-store.test.mjs'), TEST_FILE)
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('fails a store broken in one rule with a message naming that rule', async () => {
    const { code, output } = await nodeTest(dir, 'my-store.test.mjs', { BROKEN: '1' })
    assert.notEqual(code, 0, output)
    assert.match(output, /✖ finds users by username and e-mail case-insensitively/, output)
    assert.match(
      output,
      /getUserByIdentifier\('email', 'some\.one@example\.com'\) must find the user with e-mail 'Some\.One@Example\.COM' \(id 1\): e-mails are looked up whatever their letter case/,
      output,
    )
    assert.match(output, /delete must count only the keys that existed/, output)
    assert.match(output, /delete must count no expired key/, output)
    // Exactly those rules fail: the rest of the suites runs on and passes.
    assert.match(output, /ℹ fail 3\n/, output)
  })

  it('passes the shipped in-memory stores', async () => {
    const { code, output } = await nodeTest(dir, 'my-store.test.mjs', {})
    assert.match(output, /ℹ fail 0\n/, output)
    assert.equal(code, 0, output)
  })
})
