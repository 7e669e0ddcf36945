/**
 * Bound parameters of one statement. Every value reaches PostgreSQL as a parameter with an explicit
 * cast (so operators like `->` and `-` resolve without guessing); nothing a caller sends is ever
 * spliced into the SQL text.
 */

/** The SQL types parameters are cast to. */
export type ParamType = 'text' | 'bigint' | 'smallint' | 'numeric' | 'float8' | 'boolean' | 'jsonb' | 'text[]' | 'bigint[]' | 'numeric[]' | 'boolean[]'

export class Params {
  readonly values: unknown[] = []
  private readonly texts = new Map<string, string>()

  /** Binds a value and returns its cast placeholder, e.g. `$3::jsonb`. */
  add(value: unknown, type: ParamType): string {
    this.values.push(value)
    return `$${this.values.length}::${type}`
  }

  /** Binds a text value once per statement (field names used as jsonb keys repeat a lot). */
  text(value: string): string {
    let placeholder = this.texts.get(value)
    if (placeholder === undefined) {
      placeholder = this.add(value, 'text')
      this.texts.set(value, placeholder)
    }
    return placeholder
  }

  /** Binds a JSON value as jsonb. */
  json(value: unknown): string {
    return this.add(JSON.stringify(value), 'jsonb')
  }
}
