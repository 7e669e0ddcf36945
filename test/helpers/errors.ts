import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { UserRouterError, type ErrorCode } from '../../src/errors.js'

/** Asserts that `run` throws a UserRouterError with this code whose details name `field`. */
export function expectError(run: () => unknown, code: ErrorCode, field?: string | RegExp): UserRouterError {
  let caught: unknown
  try {
    run()
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof UserRouterError, `expected a UserRouterError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  if (field !== undefined) {
    const named = caught.details?.map((d) => d.field) ?? []
    assert.ok(
      named.some((f) => (typeof field === 'string' ? f === field : field.test(f))),
      `expected details to name ${String(field)}, got ${JSON.stringify(caught.details)}`,
    )
  }
  return caught
}

/** Asserts that none of `secrets` shows in the error as a log would print it: message, stack, causes, fields. */
export function assertRevealsNone(error: unknown, secrets: readonly string[]): void {
  const printed = inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })
  for (const secret of secrets) assert.ok(!printed.includes(secret), `the error shows a secret: ${printed}`)
}
