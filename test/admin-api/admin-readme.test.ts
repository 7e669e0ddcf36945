/**
 * The README's admin API walk-through, run as printed (bash and curl, a cookie jar file) against the
 * example app, with `B` pointed at the app's port. Run after a build; skipped without curl.
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startExampleApp, type ExampleApp } from '../browser/example-app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const ADMIN_PASSWORD = 'readme admin password 1'
const curlMissing = spawnSync('curl', ['--version']).status === 0 ? false : 'curl is not installed'

/** The shell lines of the README's admin walk-through: from `B=...` to the sign-out. */
async function walkThrough(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## The admin API'))
  const block = /```sh\n(B=http:\/\/127\.0\.0\.1:3000\n[\s\S]*?)```/.exec(section)?.[1]
  assert.ok(block, 'the README has an admin walk-through')
  return block.trim().split('\n')
}

describe('README admin walk-through', { skip: curlMissing }, () => {
  let app: ExampleApp
  before(async () => {
    app = await startExampleApp(join(ROOT, 'dist/examples/server.js'), { ADMIN_PASSWORD })
  })
  after(() => app?.stop())

  it('works as printed against the example app', async () => {
    // Alice of the client walk-through, user 2 (the admin is user 1).
    const demo = { 'X-Hydrogen-Client-ID': 'demo', 'Content-Type': 'application/json' }
    const registered = await fetch(`${app.url}/hserve/v2.1/register/username/`, {
      method: 'POST',
      headers: demo,
      body: JSON.stringify({ username: 'alice', password: 'correct horse' }),
    })
    const { id, token } = (await registered.json()) as { id: number; token: string }
    assert.equal(id, 2)
    await fetch(`${app.url}/hserve/v2.5/user/info/`, {
      method: 'PUT',
      headers: { ...demo, Authorization: `Hydrogen-r1 ${token}` },
      body: JSON.stringify({ nickname: 'Alice', score: { $incr_by: 1 } }),
    })

    const [first, ...commands] = await walkThrough()
    assert.equal(first, 'B=http://127.0.0.1:3000')
    const dir = await mkdtemp(join(tmpdir(), 'eur-readme-'))
    try {
      const script = [`B=${app.url}`, ...commands.map((line) => `${line}; echo`)].join('\n')
      const output = execFileSync('bash', ['-e', '-c', script], { cwd: dir, env: { ...process.env, ADMIN_PASSWORD }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      const answers = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      assert.equal(answers.length, commands.length)
      assert.equal(answers[0]!.user_id, 1, 'signed in')
      assert.equal(answers[1]!.user_id, 1, 'the profile, with the cookie from the jar')
      assert.deepEqual((answers[2]!.meta as Record<string, unknown>).total_count, 1)
      assert.equal(answers[3]!.succeed, 1)
      assert.equal(answers[4]!.nickname, 'Alice B.')
      assert.equal(answers[4]!.score, 11)
      assert.equal(answers[5]!.username, 'alice')
      assert.deepEqual(answers[6], { status: 'ok' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    const revoked = await fetch(`${app.url}/hserve/v2.2/user/info/2/`, { headers: { ...demo, Authorization: `Hydrogen-r1 ${token}` } })
    assert.equal(revoked.status, 401, "the operator's new password ended alice's tokens")
  })
})
