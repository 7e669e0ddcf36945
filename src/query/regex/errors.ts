/** Why a user-supplied pattern was refused: a short English reason, safe to show the caller. */
export class RegexSyntaxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RegexSyntaxError'
  }
}
