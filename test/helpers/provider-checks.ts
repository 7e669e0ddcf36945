/** Checks shared by the identity provider adapters' tests. */
import assert from 'node:assert/strict'
import type { ErrorCode, UserRouterError } from '../../src/errors.js'
import { isUserRouterError } from '../../src/errors.js'
import type { AuthorizationRequest } from '../../src/ports.js'

/** A sign-in attempt as the router keeps it. */
export function authorizationRequest(redirectUri = 'https://app.example.com/hserve/v2.0/idp/provider/callback/'): AuthorizationRequest {
  return { redirectUri, state: crypto.randomUUID(), codeVerifier: crypto.randomUUID() + crypto.randomUUID(), nonce: crypto.randomUUID() }
}

/** The browser opens the authorization URL and the user agrees: answers where the provider sends the browser back. */
export async function agreeAt(authorizationUrl: string): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' })
  assert.equal(response.status, 302, await response.text())
  return new URL(response.headers.get('location')!)
}

/**
 * Awaits the rejection, checks it is a UserRouterError with `code`, and that no secret appears in
 * its message or stack, nor in any of its causes'.
 */
export async function expectProviderError(promise: Promise<unknown>, code: ErrorCode, secrets: string[]): Promise<UserRouterError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}, got a profile`),
    (thrown: unknown) => thrown,
  )
  assert.ok(isUserRouterError(error, code), `expected ${code}, got ${String(error)}`)
  for (let current: unknown = error, depth = 0; current !== undefined; current = (current as Error).cause, depth++) {
    assert.ok(depth < 10)
    assert.ok(current instanceof Error, `a cause that is not an Error: ${String(current)}`)
    for (const secret of secrets) {
      assert.ok(!current.message.includes(secret), `the message "${current.message}" holds a secret`)
      assert.ok(!(current.stack ?? '').includes(secret), 'a stack holds a secret')
    }
  }
  return error
}
