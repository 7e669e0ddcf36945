/**
 * Which custom profile fields a store keeps in typed, indexed form, and which combinations of fields
 * it indexes together. A store takes this declaration as options (`indexedFields`, `indexes`),
 * because it owns its schema and `migrate()` runs before any router exists; the router then checks
 * that its `profileFields` agree (`checkIndexedFields`).
 */
import { BUILTIN_FIELDS, type FieldDef, type FieldType } from './fields.js'
import { isCustomFieldName, isSortable } from './schema.js'

/** The types a custom field can be indexed as: scalars (arrays and objects have no order). */
export type IndexableType = Extract<FieldType, 'string' | 'integer' | 'number' | 'boolean' | 'date'>

export const INDEXABLE_TYPES: readonly IndexableType[] = ['string', 'integer', 'number', 'boolean', 'date']

/** What an app writes in a store's options. */
export interface IndexOptions {
  /** Custom fields filtered or sorted on, with their declared types: `{ score: 'integer' }`. Each gets an index of its own. */
  indexedFields?: Readonly<Record<string, IndexableType>>
  /**
   * Combinations, in order, each a list of field names, `-` for descending: `[['tier', '-created_at']]`.
   * Names are indexed custom fields or sortable built-in fields (`created_at`, `gender`, ...).
   */
  indexes?: readonly (readonly string[])[]
}

/** One key of an index: a built-in field (`field.column` set) or an indexed custom field. */
export interface IndexKey {
  readonly field: FieldDef
  readonly descending: boolean
}

export interface IndexDeclaration {
  /** The indexed custom fields, in declaration order, typed as declared. */
  readonly fields: readonly FieldDef[]
  /** Every index: one per indexed field (`[field]`), then the declared combinations. */
  readonly indexes: readonly (readonly IndexKey[])[]
}

/** Field names the built-in columns answer to; `user_id` and `created_by` are aliases of `id`. */
const BUILTINS = new Map(BUILTIN_FIELDS.filter((f) => isSortable(f) && f.name !== 'user_id' && f.name !== 'created_by').map((f) => [f.name, f]))
/** Enough for every useful combination; each index costs every write a little. */
export const MAX_INDEXED_FIELDS = 32
export const MAX_INDEXES = 32
export const MAX_INDEX_KEYS = 4

/**
 * Checks a store's index options. A wrong declaration is a developer error: a plain `Error` naming
 * `<store>: options.<option>` and the fix.
 */
export function parseIndexOptions(store: string, options: IndexOptions): IndexDeclaration {
  const fail = (option: string, problem: string): never => {
    throw new Error(`${store}: options.${option} ${problem}`)
  }
  const declared = options.indexedFields ?? {}
  if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) fail('indexedFields', 'must be an object of field names to types')
  const entries = Object.entries(declared)
  if (entries.length > MAX_INDEXED_FIELDS) fail('indexedFields', `must name at most ${MAX_INDEXED_FIELDS} fields`)
  const fields = new Map<string, FieldDef>()
  for (const [name, type] of entries) {
    if (!isCustomFieldName(name) || BUILTINS.has(name)) fail(`indexedFields.${name}`, 'must be a custom field name: a letter, then letters, digits or _ (at most 64)')
    if (!INDEXABLE_TYPES.includes(type)) fail(`indexedFields.${name}`, `must be one of ${INDEXABLE_TYPES.join(', ')}`)
    fields.set(name, { name, type, column: null, writable: true, public: true, nullable: true })
  }
  const combinations = options.indexes ?? []
  if (!Array.isArray(combinations)) fail('indexes', 'must be a list of field lists, e.g. [["tier", "-created_at"]]')
  if (combinations.length > MAX_INDEXES) fail('indexes', `must have at most ${MAX_INDEXES} entries`)
  const indexes: IndexKey[][] = [...fields.values()].map((field) => [{ field, descending: false }])
  combinations.forEach((keys, i) => {
    const where = `indexes[${i}]`
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_INDEX_KEYS) fail(where, `must be a list of 1 to ${MAX_INDEX_KEYS} field names`)
    const seen = new Set<string>()
    indexes.push(
      keys.map((key: unknown) => {
        if (typeof key !== 'string') fail(where, 'must hold field names (strings)')
        const text = key as string
        const descending = text.startsWith('-')
        const name = descending ? text.slice(1) : text
        const field = fields.get(name) ?? BUILTINS.get(name)
        if (!field) fail(where, `names "${name}", which is neither in indexedFields nor a sortable built-in field`)
        if (seen.has(name)) fail(where, `names "${name}" twice`)
        seen.add(name)
        return { field: field!, descending }
      }),
    )
  })
  return { fields: [...fields.values()], indexes }
}

/** The declaration as `UserStore.indexedFields()` reports it. */
export function indexedFieldTypes(declaration: IndexDeclaration): Readonly<Record<string, IndexableType>> {
  return Object.fromEntries(declaration.fields.map((f) => [f.name, f.type as IndexableType]))
}

/**
 * Whether a field of a query is one the store indexed: a custom field of the same name and type
 * (a field the router declares otherwise is read from the profile as usual, so results never differ).
 */
export function indexedField(declaration: IndexDeclaration, field: FieldDef): FieldDef | null {
  if (field.column !== null) return null
  const indexed = declaration.fields.find((f) => f.name === field.name)
  return indexed && indexed.type === field.type ? indexed : null
}

/**
 * The router's check at creation: every field the store indexes is a declared profile field of the
 * same type. Returns the problems (empty when they agree).
 */
export function indexedFieldProblems(storeFields: Readonly<Record<string, string>>, profileFields: ReadonlyMap<string, FieldDef>): string[] {
  const problems: string[] = []
  for (const [name, type] of Object.entries(storeFields)) {
    const field = profileFields.get(name)
    if (!field || field.column !== null) problems.push(`the storage indexes "${name}" (${type}), which profileFields does not declare`)
    else if (field.type !== type) problems.push(`the storage indexes "${name}" as ${type}, but profileFields declares it as ${field.type}`)
  }
  return problems
}
