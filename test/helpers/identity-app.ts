/**
 * A test app with third-party sign-in through the stand-in provider (`stand-in`), and the web
 * SDK's steps over HTTP: ask for the authorization URL, follow it to the provider and back to the
 * router's callback, which sends the browser on to the app's page with the auth token.
 */
import assert from 'node:assert/strict'
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { StandInIdentityServer } from './identity-provider.js'
import { type Backend, CLIENT, createTestApp, type TestApp } from './test-app.js'

export const PROVIDER = 'stand-in'
/** The app's auth page, on the allowed origin. */
export const AUTH_PAGE = 'https://app.example.com/auth?provider=stand-in&handler=login'

export interface IdentityTestApp extends TestApp {
  readonly standIn: StandInIdentityServer
  readonly events: UserRouterEvent[]
}

export async function createIdentityTestApp(backend: Backend, label: string, options: Partial<UserRouterOptions> = {}): Promise<IdentityTestApp> {
  const standIn = await StandInIdentityServer.start()
  const events: UserRouterEvent[] = []
  let t: TestApp
  try {
    t = await createTestApp({
      backend,
      label,
      options: {
        identityProviders: { providers: { [PROVIDER]: standIn.provider() }, allowedCallbackOrigins: ['https://app.example.com'] },
        onEvent: (event) => events.push(event),
        ...options,
      },
    })
  } catch (error) {
    await standIn.close()
    throw error
  }
  const close = t.close.bind(t)
  return Object.assign(t, {
    standIn,
    events,
    close: async () => {
      await close()
      await standIn.close()
    },
  })
}

/** POSTs the redirect route and answers the provider's authorization URL. */
export async function authorizationUrl(t: TestApp, callbackUrl = AUTH_PAGE, provider = PROVIDER, startedBy?: string): Promise<string> {
  const headers = startedBy === undefined ? CLIENT : t.auth(startedBy)
  const res = await t.request.post(`/hserve/v2.0/idp/${provider}/redirect/`).set(headers).send({ callback_url: callbackUrl })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.status, 'ok')
  return res.body.redirect_url as string
}

/** Follows the authorization URL to the provider: answers the router's callback URL it sends the browser to. */
export async function providerCallback(t: TestApp, callbackUrl = AUTH_PAGE, startedBy?: string): Promise<string> {
  const res = await fetch(await authorizationUrl(t, callbackUrl, PROVIDER, startedBy), { redirect: 'manual' })
  assert.equal(res.status, 302)
  return res.headers.get('location')!
}

/** Opens the router's callback URL as a browser would, without following the redirect. */
export function openCallback(callback: string): Promise<Response> {
  return fetch(callback, { redirect: 'manual', headers: { Accept: 'text/html' } })
}

/**
 * The whole redirect dance: answers the auth token the app's page receives. `startedBy`: the token
 * of the signed-in user whose page starts it (as the SDK sends it before linking).
 */
export async function authToken(t: TestApp, callbackUrl = AUTH_PAGE, startedBy?: string): Promise<string> {
  const res = await openCallback(await providerCallback(t, callbackUrl, startedBy))
  assert.equal(res.status, 303, await res.text())
  const page = new URL(res.headers.get('location')!)
  return page.searchParams.get('token')!
}

/** POSTs the authenticate route. */
export function authenticate(t: TestApp, body: Record<string, unknown>) {
  return t.request.post(`/hserve/v2.0/idp/${PROVIDER}/authenticate/`).set(CLIENT).send(body)
}
