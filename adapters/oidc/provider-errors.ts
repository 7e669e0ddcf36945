/**
 * openid-client's failures as the port's errors: `provider_unavailable` when the provider could not
 * serve a request, `provider_failed` for everything else. Messages name the step and the check that
 * failed; openid-client's own errors are not kept as the cause, since they can hold the token
 * response or the ID token's claims.
 */
import { AuthorizationResponseError, ClientError, ResponseBodyError, WWWAuthenticateChallengeError } from 'openid-client'
import { UserRouterError } from '../../src/errors.js'
import { InsecureProviderUrl, ProviderUnreachable } from './provider-fetch.js'

/** A step of the sign-in, as error messages name it. */
export type Step = 'discovery' | 'code exchange' | 'userinfo request'

export function providerError(provider: string, step: Step, error: unknown): UserRouterError {
  const prefix = `OpenID Connect provider ${provider}: ${step} failed`
  const unreachable = findCause(error, ProviderUnreachable)
  if (unreachable) return new UserRouterError('provider_unavailable', { message: `${prefix}: ${unreachable.message}`, cause: unreachable.cause })
  if (error instanceof ClientError && (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')) {
    return new UserRouterError('provider_unavailable', { message: `${prefix}: the provider did not answer in time` })
  }
  return new UserRouterError('provider_failed', { message: `${prefix}: ${whatFailed(error)}` })
}

function whatFailed(error: unknown): string {
  const insecure = findCause(error, InsecureProviderUrl)
  if (insecure) return insecure.message
  if (error instanceof AuthorizationResponseError) return `the provider answered the sign-in with the error ${errorCode(error.error)}`
  if (error instanceof ResponseBodyError) return `the provider answered ${error.status} ${errorCode(error.error)}`
  if (error instanceof WWWAuthenticateChallengeError) return `the provider answered ${error.status} ${errorCode(error.cause[0]?.parameters.error)}`
  if (error instanceof ClientError) {
    // openid-client's message is generic ("invalid response encountered"); the check that failed is in the cause.
    if (error.cause instanceof Response) return `the provider answered ${error.cause.status}`
    return error.cause instanceof Error ? error.cause.message : error.message
  }
  return 'unexpected error'
}

/** An OAuth error code as the provider sent it, if it looks like one (it may come from the browser's URL). */
function errorCode(code: unknown): string {
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : '(unnamed)'
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++) {
    if (current instanceof type) return current
  }
  return undefined
}
