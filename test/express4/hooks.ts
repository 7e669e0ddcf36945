/**
 * Module resolve hook: every `import ... from 'express'` (the library's and the tests') loads
 * Express 4 (the `express4` npm alias) instead, as in an application that depends on Express 4,
 * where the peer dependency resolves to its own copy.
 */
type Resolve = (specifier: string, context: unknown) => Promise<unknown>

export async function resolve(specifier: string, context: unknown, nextResolve: Resolve): Promise<unknown> {
  return nextResolve(specifier === 'express' ? 'express4' : specifier, context)
}
