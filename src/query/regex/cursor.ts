/** A read position over a pattern's code points, shared by the parser files. */
export class Cursor {
  pos = 0

  constructor(private readonly cps: readonly number[]) {}

  get done(): boolean {
    return this.pos >= this.cps.length
  }

  /** The code point `offset` places ahead, as a string, or undefined past the end. */
  peek(offset = 0): string | undefined {
    const cp = this.cps[this.pos + offset]
    return cp === undefined ? undefined : String.fromCodePoint(cp)
  }
}
