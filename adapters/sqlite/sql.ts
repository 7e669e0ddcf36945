/**
 * A tiny SQL builder that makes bound parameters the default: every value interpolated into the
 * `sql` template becomes a `?` placeholder, and only fragments built from fixed text (`raw`) are
 * spliced in as text. The store never concatenates a value into SQL.
 */

/** What better-sqlite3 can bind. Booleans are stored as 0/1 by the callers. */
export type SqlValue = string | number | null

/** A piece of SQL with its parameters, in placeholder order. */
export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly SqlValue[],
  ) {}
}

/** Builds SQL: interpolated `Sql` fragments are spliced, anything else is bound as a parameter. */
export function sql(strings: TemplateStringsArray, ...parts: readonly (Sql | SqlValue)[]): Sql {
  let text = strings[0] ?? ''
  const params: SqlValue[] = []
  parts.forEach((part, i) => {
    if (part instanceof Sql) {
      text += part.text
      params.push(...part.params)
    } else {
      text += '?'
      params.push(part)
    }
    text += strings[i + 1] ?? ''
  })
  return new Sql(text, params)
}

/** Fixed SQL text (keywords, quoted column names). Never pass user data. */
export function raw(text: string): Sql {
  return new Sql(text, [])
}

/** Joins fragments with a fixed separator. */
export function join(fragments: readonly Sql[], separator: string): Sql {
  return new Sql(
    fragments.map((f) => f.text).join(separator),
    fragments.flatMap((f) => f.params),
  )
}
