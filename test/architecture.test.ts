/**
 * Guards the layering: the domain and storage layers never see Express, only the SQLite and
 * PostgreSQL adapters load their drivers (optional peers), and each API family keeps to its folder.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

function sourceFiles(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(join(root, dir))
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8')
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

/** The file's text without comments, so prose naming a path or a class does not count. */
function codeOf(path: string): string {
  return readFileSync(join(root, path), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
}

/**
 * Module-level state that is allowed, each with why it is not state shared between routers or
 * requests. `file:name`.
 */
const MODULE_STATE_ALLOWED = new Map<string, string>([
  ['src/query/regex/case-fold.ts:casedTable', "a table derived from the runtime's Unicode data, built on first use and never changed after"],
])

/** Names of constant lookup tables: built from literals at load, never added to or deleted from (checked). */
const LOOKUP_TABLES = new Set([
  'src/model/schema.ts:RESERVED_NAMES',
  'src/model/indexed-fields.ts:BUILTINS',
  'src/query/parse-list-params.ts:LIST_PARAMS',
  'src/query/regex/case-fold.ts:SIMPLE_LOWER',
  'src/query/regex/case-fold.ts:SIMPLE_UPPER',
  'src/query/regex/parse-bracket.ts:ASCII_PUNCTUATION',
  'src/routes/admin-api/same-origin.ts:SAFE_METHODS',
  'adapters/redis/options.ts:KNOWN_OPTIONS',
  'adapters/redis/errors.ts:NETWORK_CODES',
  'adapters/redis/errors.ts:UNAVAILABLE_NAMES',
  'adapters/postgres/options.ts:KNOWN_OPTIONS',
  'adapters/postgres/rows.ts:PARSERS',
  'adapters/postgres/errors.ts:NETWORK_CODES',
  'adapters/postgres/errors.ts:UNAVAILABLE_STATES',
  'adapters/oidc/profile.ts:TOKEN_CLAIMS',
])

describe('architecture', () => {
  it('keeps Express out of services, the query and user models, ports and adapters', () => {
    const files = ['src/services', 'src/query', 'src/model', 'adapters'].flatMap(sourceFiles).concat(['src/ports.ts', 'src/errors.ts'])
    assert.ok(files.length > 10)
    for (const file of files) {
      for (const spec of importsOf(file)) assert.ok(!/^express(\/|$)/.test(spec), `${file} imports ${spec}`)
    }
  })

  it('loads pg only in the PostgreSQL adapter and better-sqlite3 only in the SQLite adapter', () => {
    for (const file of ['src', 'adapters'].flatMap(sourceFiles)) {
      for (const spec of importsOf(file)) {
        if (spec === 'pg') assert.ok(file.startsWith('adapters/postgres/'), `${file} imports pg`)
        if (spec === 'better-sqlite3') assert.ok(file.startsWith('adapters/sqlite/'), `${file} imports better-sqlite3`)
      }
    }
  })

  it('loads ioredis only on demand, nodemailer only in the SMTP adapter and openid-client only in the OpenID Connect adapter (optional peers)', () => {
    const onlyIn: Record<string, string> = { nodemailer: 'adapters/smtp/', 'openid-client': 'adapters/oidc/' }
    for (const file of ['src', 'adapters'].flatMap(sourceFiles)) {
      const text = readFileSync(join(root, file), 'utf8')
      // Value imports only: `import type` is erased, anything else loads the package with the module.
      for (const match of text.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+['"](ioredis|nodemailer|openid-client)(?:\/[^'"]*)?['"]/gm)) {
        if (match[1] === 'ioredis') assert.fail(`${file} imports ioredis: an app without it could not load the router`)
        assert.ok(file.startsWith(onlyIn[match[1]!]!), `${file} imports ${match[1]}`)
      }
    }
  })

  it('leaves the URLs of the APIs to the routes: services get link targets, never define paths', () => {
    const files = sourceFiles('src/services')
    assert.ok(files.length > 10)
    for (const file of files) {
      const match = /['"`]\/(?:hserve|userve|api\/v1|oauth)(?=[/'"`])/.exec(codeOf(file))
      assert.equal(match, null, `${file} holds the path ${match?.[0]}...: paths of the APIs belong to the routes`)
    }
  })

  it('keeps each API family to its own folder: what families share is in src/routes/minapp or src/routes/*.ts', () => {
    const shared = new Set(['minapp'])
    const files = sourceFiles('src/routes')
    assert.ok(files.length > 10)
    for (const file of files) {
      // `src/routes/<family>/...`; a file directly in src/routes is shared.
      const own = file.split('/').length > 3 ? file.split('/')[2] : null
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue
        const folder = /^src\/routes\/([^/]+)\//.exec(posix.join(posix.dirname(file), spec))?.[1]
        if (folder === undefined || folder === own || shared.has(folder)) continue
        assert.fail(`${file} imports ${spec}: a family's folder is its own; move what both use to src/routes/minapp or src/routes/*.ts`)
      }
    }
  })

  it('keeps routes and HTTP helpers to the ports: no adapter loaded, no adapter class tested', () => {
    // Adapter classes: everything the adapters export, and any class in src implementing a port.
    const adapterClasses = new Set<string>()
    for (const file of ['src', 'adapters'].flatMap(sourceFiles)) {
      for (const m of codeOf(file).matchAll(/^export\s+class\s+(\w+)([^{]*)/gm)) {
        if (file.startsWith('adapters/') || /\bimplements\s+(KeyValueStore|UserStore|Mailer|SmsSender)\b/.test(m[2]!)) adapterClasses.add(m[1]!)
      }
    }
    assert.ok(adapterClasses.has('RedisKeyValueStore') && adapterClasses.has('ScopedKeyValueStore'))
    const files = ['src/routes', 'src/http'].flatMap(sourceFiles)
    assert.ok(files.length > 10)
    for (const file of files) {
      const code = codeOf(file)
      for (const m of code.matchAll(/^import\s+(?!type\s)[^'"]*?['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/gm)) {
        const spec = m[1] ?? m[2]!
        assert.ok(!/(^|\/)adapters\//.test(spec), `${file} loads ${spec}: the composition root chooses adapters`)
      }
      for (const m of code.matchAll(/\binstanceof\s+(\w+)/g)) {
        assert.ok(!adapterClasses.has(m[1]!), `${file} tests instanceof ${m[1]}: pass the capability in from the composition root`)
      }
    }
  })

  it('gives services and routes their own settings: never the whole config, never an optional family assumed present', () => {
    const files = ['src/services', 'src/routes', 'src/http'].flatMap(sourceFiles)
    assert.ok(files.length > 30)
    for (const file of files) {
      const code = codeOf(file)
      assert.ok(!/\bRouterConfig\b/.test(code), `${file} names RouterConfig: give it the settings it uses`)
      assert.ok(!/\bdeps\.config\b/.test(code), `${file} reads deps.config: give it the settings it uses`)
    }
    for (const file of ['src', 'adapters'].flatMap(sourceFiles)) {
      const match = /\.(?:admin|oauth)!/.exec(codeOf(file))
      assert.equal(match, null, `${file} asserts ${match?.[0]}: wire the family only when it is configured, with its settings`)
    }
  })

  it('holds no module-level mutable state: no top-level let or var, Maps and Sets only as constant lookup tables', () => {
    const files = ['src', 'adapters'].flatMap(sourceFiles)
    for (const file of files) {
      const code = codeOf(file)
      for (const m of code.matchAll(/^(?:export\s+)?(?:let|var)\s+(\w+)/gm)) {
        assert.ok(MODULE_STATE_ALLOWED.has(`${file}:${m[1]}`), `${file} has a top-level ${m[0]}: state belongs to a router, made in createUserRouter`)
      }
      for (const m of code.matchAll(/^(export\s+)?const\s+(\w+)\b[^=\n]*=\s*new\s+(?:Weak)?(?:Map|Set)\b/gm)) {
        const name = m[2]!
        assert.ok(LOOKUP_TABLES.has(`${file}:${name}`), `${file} has a top-level Map or Set ${name}: state belongs to a router; a constant table goes in LOOKUP_TABLES`)
        assert.ok(!m[1], `${file} exports the table ${name}: others could change it`)
        const change = new RegExp(`\\b${name}\\s*\\.\\s*(?:set|add|delete|clear)\\s*\\(`).exec(code)
        assert.equal(change, null, `${file} changes the table ${name}`)
      }
    }
  })

  it('reads the environment only where options are parsed (src/options.ts); adapters leave theirs to their drivers', () => {
    const files = ['src', 'adapters'].flatMap(sourceFiles)
    assert.ok(files.includes('src/options.ts') && files.some((file) => file.startsWith('adapters/')))
    const readers = files.filter((file) => {
      const code = codeOf(file)
      return /\bprocess\s*\??\.\s*env\b|\bprocess\s*\[\s*['"`]env['"`]|\benv\b[^;]*\}\s*(?:=\s*process\b|from\s+['"](?:node:)?process['"])/.test(code)
    })
    assert.deepEqual(readers, ['src/options.ts'])
  })

  it('keeps every source file under 400 lines', () => {
    for (const file of ['src', 'adapters'].flatMap(sourceFiles)) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n').length
      assert.ok(lines <= 400, `${file} has ${lines} lines`)
    }
  })
})
