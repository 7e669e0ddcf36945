/**
 * The options are described once: `OPTION_KEYS` (which TypeScript holds to `UserRouterOptions`) has
 * the Joi schema's keys at every level, says rightly which of them the schema may leave unset, and
 * every option in it is named in the README's Options table.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { OPTION_KEYS, UNSET_UNLESS_GIVEN } from '../../src/options-keys.js'
import { optionsSchema } from '../../src/options-schema.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

interface Described {
  flags?: { presence?: string; default?: unknown }
  keys?: Record<string, Described>
}
type Tree = { [key: string]: true | Tree }

/** Every dotted path of the tree, leaves and groups. */
function pathsOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, sub]) => [`${prefix}${key}`, ...(sub === true ? [] : pathsOf(sub, `${prefix}${key}.`))])
}

/** The same paths from a Joi description; a forbidden key is a removed option, kept to say so. */
function describedPaths(schema: Described, prefix = ''): { path: string; unset: boolean }[] {
  return Object.entries(schema.keys ?? {})
    .filter(([, key]) => key.flags?.presence !== 'forbidden')
    .flatMap(([name, key]) => [
      { path: `${prefix}${name}`, unset: key.flags?.presence !== 'required' && key.flags?.default === undefined },
      ...describedPaths(key, `${prefix}${name}.`),
    ])
}

/** The option paths the README's Options table names: `a.b` / `c` names `a.b` and `a.c`; each with its row. */
function readmeRows(readme: string): Map<string, string> {
  const section = readme.slice(readme.indexOf('\n## Options\n'), readme.indexOf('\n### ', readme.indexOf('\n## Options\n')))
  const rows = new Map<string, string>()
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const names = [...row.split(' | ')[0]!.matchAll(/`([\w.]+)`/g)].map((m) => m[1]!)
    const prefix = names[0]!.slice(0, names[0]!.lastIndexOf('.') + 1)
    for (const name of names) rows.set(name.includes('.') ? name : prefix + name, row)
  }
  return rows
}

/** Named: in the table, or a key of an option named in the table that its row's code spells out. */
function isNamed(path: string, rows: Map<string, string>): boolean {
  if (rows.has(path)) return true
  const parent = path.slice(0, path.lastIndexOf('.'))
  const key = path.slice(path.lastIndexOf('.') + 1)
  const code = [...(rows.get(parent) ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]).join(' ')
  return new RegExp(`(?<![\\w.])${key}(?!\\w)`).test(code)
}

describe('the options, described once', () => {
  const described = describedPaths(optionsSchema.describe() as Described)

  it('the Joi schema has the keys of OPTION_KEYS, at every level', () => {
    assert.deepEqual(described.map((d) => d.path).sort(), pathsOf(OPTION_KEYS).sort())
  })

  it('the Joi schema leaves unset exactly the options UNSET_UNLESS_GIVEN names', () => {
    assert.deepEqual(
      described
        .filter((d) => d.unset)
        .map((d) => d.path)
        .sort(),
      [...UNSET_UNLESS_GIVEN].sort(),
    )
  })

  it("the README's Options table names every option", async () => {
    const rows = readmeRows(await readFile(join(ROOT, 'README.md'), 'utf8'))
    const leaves = pathsOf(OPTION_KEYS).filter((path) => !pathsOf(OPTION_KEYS).some((other) => other.startsWith(`${path}.`)))
    assert.deepEqual(
      leaves.filter((path) => !isNamed(path, rows)),
      [],
    )
  })
})
