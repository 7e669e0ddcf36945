/**
 * The package as an app gets it: `npm pack`, then the tarball unpacked into fresh projects outside
 * this repository. Each project's node_modules links only what the packed package.json declares
 * (dependencies and required peers) plus what the app itself installs, so an undeclared dependency
 * or a missing file fails here. Works offline: the links point into this repository's node_modules.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { readmeSnippets } from './readme-snippets.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')

interface PackedManifest {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** Unpacks the tarball as node_modules/express-user-router and links what it needs plus `appInstalls`. */
async function install(project: string, tarball: string, appInstalls: string[]): Promise<void> {
  const target = join(project, 'node_modules/express-user-router')
  mkdirSync(target, { recursive: true })
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
  const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as PackedManifest
  const requiredPeers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true)
  for (const name of new Set([...Object.keys(manifest.dependencies ?? {}), ...requiredPeers, ...appInstalls])) {
    const link = join(project, 'node_modules', name)
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(join(root, 'node_modules', name), link, 'dir')
  }
}

/** Runs a script of the project with Node; its last stdout line is the JSON it reports. */
async function runApp(project: string, script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [script], { cwd: project, timeout: 20_000 })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
}

const ESM_APP = `
import express from 'express'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createUserRouter } from 'express-user-router'
import { MemoryUserStore } from 'express-user-router/adapters/memory'

// Settings an app reads from its environment, unset here: undefined counts as not given.
const env = { REDIS_URL: undefined, SECRET: undefined, PUBLIC_URL: undefined, SESSION_SECRET: undefined } as Record<string, string | undefined>
const router = createUserRouter({
  storage: new MemoryUserStore(),
  clients: ['consumer'],
  logger: { warn() {}, error() {} },
  redis: env['REDIS_URL'],
  secret: env['SECRET'],
  publicUrl: env['PUBLIC_URL'],
  sessionSecret: env['SESSION_SECRET'],
})
const app = express()
app.use('/accounts', router)
const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
const { port } = server.address() as AddressInfo
const response = await fetch(\`http://127.0.0.1:\${port}/accounts/hserve/v2.1/register/username/\`, {
  method: 'POST',
  headers: { 'X-Hydrogen-Client-ID': 'consumer', 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'esm-user', password: 'correct horse 1' }),
})
const body = (await response.json()) as { _username?: string }
server.close()
await once(server, 'close')
await router.close()
console.log(JSON.stringify({ status: response.status, username: body._username }))
`

const CJS_APP = `
const express = require('express')
const { once } = require('node:events')
const { createUserRouter } = require('express-user-router')
const { MemoryUserStore } = require('express-user-router/adapters/memory')

async function main() {
  const quiet = { warn() {}, error() {} }
  let withoutIoredis = 'no error'
  try {
    createUserRouter({ storage: new MemoryUserStore(), clients: ['consumer'], logger: quiet, redis: 'redis://127.0.0.1:6379' })
  } catch (error) {
    withoutIoredis = error.name + ': ' + error.message
  }
  const router = createUserRouter({ storage: new MemoryUserStore(), clients: ['consumer'], logger: quiet })
  const app = express()
  app.use(router)
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = 'http://127.0.0.1:' + server.address().port + '/hserve/v2.1'
  const post = (path) => fetch(base + path, {
    method: 'POST',
    headers: { 'X-Hydrogen-Client-ID': 'consumer', 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'cjs-user', password: 'correct horse 1' }),
  })
  const registered = await post('/register/username/')
  const login = await post('/login/username/')
  const token = (await login.json()).token
  server.close()
  await once(server, 'close')
  await router.close()
  console.log(JSON.stringify({ registered: registered.status, login: login.status, token: typeof token, withoutIoredis }))
}
main().catch((error) => { console.error(error); process.exit(1) })
`

/** What a TypeScript app using the README's snippets installs itself: Express, its types and the drivers. */
const TS_APP_INSTALLS = [
  'express',
  '@types/express',
  '@types/node',
  'ioredis',
  'pg',
  '@types/pg',
  'better-sqlite3',
  '@types/better-sqlite3',
  'nodemailer',
  '@types/nodemailer',
  'openid-client',
]

describe('the packed package', () => {
  let tmp = ''
  let tarball = ''
  let packedFiles: string[] = []
  let unpacked = ''

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'eur-consumer-'))
    // --ignore-scripts: `npm test` has just built dist/; the build in prepack would replace dist/src
    // under the test files running beside this one.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root })
    const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }]
    tarball = join(tmp, packed.filename)
    packedFiles = packed.files.map((file) => file.path)
    unpacked = join(tmp, 'unpacked')
    mkdirSync(unpacked)
    await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'])
  })

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('holds the library, its types, the sources its maps point to and the licence, and no tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/index.js.map',
      'src/index.ts',
      'dist/adapters/memory/index.js',
      'adapters/memory/index.ts',
    ]) {
      assert.ok(packedFiles.includes(file), `the tarball holds ${file}`)
    }
    const outside = packedFiles.filter((file) => !/^(dist\/src|dist\/adapters|src|adapters)\//.test(file) && !['package.json', 'README.md', 'LICENSE'].includes(file))
    assert.deepEqual(outside, [])
    const maps = packedFiles.filter((file) => file.endsWith('.map'))
    assert.ok(maps.length > 50)
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(unpacked, map), 'utf8')) as { sources: string[] }
      for (const source of sources) assert.ok(packedFiles.includes(posix.join(posix.dirname(map), source)), `${map} points to ${source}, which the tarball holds`)
    }
  })

  it('declares every package its compiled code imports, as a dependency or a peer', () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as PackedManifest
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])
    const files = readdirSync(join(unpacked, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'))
    assert.ok(files.length > 50)
    const imported = new Set<string>()
    for (const file of files) {
      const text = readFileSync(join(unpacked, 'dist', file), 'utf8')
      // Static imports and re-exports at the start of a line (not the examples in doc comments), and import().
      for (const [, fromSpec, dynamicSpec] of text.matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm)) {
        const spec = fromSpec ?? dynamicSpec
        if (spec!.startsWith('.') || spec!.startsWith('node:')) continue
        imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!)
      }
    }
    assert.ok(imported.has('express'), 'the scan finds imports')
    assert.deepEqual(
      [...imported].filter((name) => !declared.has(name)),
      [],
    )
  })

  describe('in an ESM TypeScript app under the defaults of tsc --init (module nodenext)', () => {
    let project = ''
    let compileOutput = ''
    let errors: string[] = []

    before(async () => {
      project = join(tmp, 'esm-app')
      mkdirSync(project)
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'esm-app', private: true, type: 'module' }))
      await install(project, tarball, TS_APP_INSTALLS)
      await run(process.execPath, [tsc, '--init', '--module', 'nodenext'], { cwd: project })
      writeFileSync(join(project, 'app.ts'), ESM_APP)
      for (const snippet of readmeSnippets(readFileSync(join(root, 'README.md'), 'utf8'))) {
        writeFileSync(join(project, `readme-line-${snippet.line}.ts`), snippet.code)
      }
      // A control: an import the package does not export must fail, so a silent compile cannot pass.
      writeFileSync(join(project, 'control.ts'), "import { noSuchExport } from 'express-user-router'\nconsole.log(noSuchExport)\n")
      // One compile for the app, the snippets and the control.
      compileOutput = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: project }).then(
        ({ stdout }) => stdout,
        (error: { stdout: string }) => error.stdout,
      )
      errors = compileOutput.split('\n').filter((line) => / error TS\d+/.test(line))
      assert.ok(
        errors.some((line) => line.startsWith('control.ts') && line.includes('TS2305')),
        `the control fails to compile: ${compileOutput}`,
      )
    })

    it('compiles an app that mounts the router, which then starts, serves a registration and stops', async () => {
      assert.deepEqual(
        errors.filter((line) => line.startsWith('app.ts')),
        [],
      )
      assert.deepEqual(await runApp(project, 'app.js'), { status: 201, username: 'esm-user' })
    })

    it('compiles every ```ts snippet of README.md against the packed types', () => {
      const snippets = readmeSnippets(readFileSync(join(root, 'README.md'), 'utf8'))
      assert.ok(snippets.length > 0, 'the README has ```ts snippets to compile')
      const snippetErrors = errors
        .filter((line) => line.startsWith('readme-line-'))
        .map((line) => line.replace(/^readme-line-(\d+)\.ts\((\d+),/, (_, fence: string, row: string) => `README.md(${Number(fence) + Number(row)},`))
      assert.deepEqual(snippetErrors, [])
    })
  })

  it('is required by a CommonJS app, which registers and signs in a user, with no optional peer installed', async () => {
    const project = join(tmp, 'cjs-app')
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true }))
    await install(project, tarball, ['express'])
    writeFileSync(join(project, 'app.cjs'), CJS_APP)
    const result = await runApp(project, 'app.cjs')
    assert.equal(result.registered, 201)
    assert.equal(result.login, 201)
    assert.equal(result.token, 'string')
    // Without ioredis a redis:// URL is refused at once, saying what to install.
    assert.match(String(result.withoutIoredis), /^TypeError: .*npm install ioredis/)
  })
})
