/**
 * Every type a public signature of the main entry names is itself exported by name, so an app can
 * write it down. Walks the built declarations (dist/src/*.d.ts) with the TypeScript compiler:
 * from each export, through every type it references, down to types declared outside the package.
 * Members documented `@internal` are not public and are not followed.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const dist = fileURLToPath(new URL('../', import.meta.url))

/**
 * Names of package-declared symbols that the signatures of `entry` reach but neither it nor the
 * entries in `alsoExportedBy` export.
 */
function unexportedTypesOf(entry: string, packageDir = dist, alsoExportedBy: string[] = []): string[] {
  const program = ts.createProgram([entry, ...alsoExportedBy], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol)
  const exportsOf = (path: string) => {
    const file = program.getSourceFile(path)
    assert.ok(file, `${path} is part of the program`)
    return checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).map(resolve)
  }
  const exported = new Set([entry, ...alsoExportedBy].flatMap(exportsOf))
  const ownFile = (file: ts.SourceFile) => file.fileName.startsWith(packageDir) && !file.fileName.includes('/node_modules/')
  const missing = new Set<string>()
  const seen = new Set<ts.Symbol>()
  const queue = exportsOf(entry)

  const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal')
  const isPrivate = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)

  const reach = (name: ts.Node | undefined) => {
    if (!name) return
    const found = checker.getSymbolAtLocation(name)
    if (!found) return
    const symbol = resolve(found)
    if (symbol.flags & ts.SymbolFlags.TypeParameter) return
    const declaration = symbol.declarations?.[0]
    if (!declaration || !ownFile(declaration.getSourceFile())) return
    if (!exported.has(symbol)) missing.add(`${symbol.name} (${declaration.getSourceFile().fileName.slice(packageDir.length)})`)
    queue.push(symbol)
  }
  const visit = (node: ts.Node): void => {
    if (isInternal(node) || isPrivate(node)) return
    if (ts.isTypeReferenceNode(node)) reach(ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName)
    else if (ts.isExpressionWithTypeArguments(node)) reach(node.expression)
    else if (ts.isTypeQueryNode(node)) reach(ts.isQualifiedName(node.exprName) ? node.exprName.right : node.exprName)
    else if (ts.isImportTypeNode(node) && node.qualifier) reach(ts.isQualifiedName(node.qualifier) ? node.qualifier.right : node.qualifier)
    ts.forEachChild(node, visit)
  }
  while (queue.length > 0) {
    const symbol = queue.pop()!
    if (seen.has(symbol)) continue
    seen.add(symbol)
    for (const declaration of symbol.declarations ?? []) {
      // A variable's own initialiser is not part of its signature; its declared type is.
      if (ts.isVariableDeclaration(declaration)) visit(declaration.type ?? declaration.name)
      else visit(declaration)
    }
  }
  return [...missing].sort()
}

describe('public types', () => {
  it('exports by name every type that a signature of the main entry uses', () => {
    assert.deepEqual(unexportedTypesOf(join(dist, 'src/index.d.ts')), [])
  })

  it('exports by name, from the kit or the main entry, every type that a signature of the kit uses', () => {
    assert.deepEqual(unexportedTypesOf(join(dist, 'src/kit/index.d.ts'), dist, [join(dist, 'src/index.d.ts')]), [])
  })

  it('names a type that a signature uses but the entry does not export (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eur-public-types-'))
    try {
      writeFileSync(join(dir, 'index.d.ts'), "export { open, type Shown, type Holder } from './open.js'\n")
      writeFileSync(
        join(dir, 'open.d.ts'),
        [
          'export interface Shown { readonly n: number }',
          'interface Hidden { readonly shown: Shown }',
          'interface Secret { readonly x: string }',
          'export declare function open(hidden: Hidden): Promise<Shown>',
          'export interface Holder {',
          '  /** @internal */',
          '  readonly secret: Secret',
          '}',
        ].join('\n'),
      )
      assert.deepEqual(unexportedTypesOf(join(dir, 'index.d.ts'), `${dir}/`), ['Hidden (open.d.ts)'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
