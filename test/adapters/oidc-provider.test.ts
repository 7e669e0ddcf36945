/** The OpenID Connect adapter against a real OpenID Connect provider (oidc-provider) on 127.0.0.1. */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { OidcProvider } from '../../adapters/oidc/index.js'
import { type ErrorCode, UserRouterError } from '../../src/errors.js'
import type { AuthorizationRequest } from '../../src/ports.js'
import { freePort } from '../helpers/local-servers.js'
import { followSignIn, type OidcIssuer, startOidcIssuer } from '../helpers/oidc-issuer.js'

/** For assert.rejects: a UserRouterError with this code whose message says what failed. */
function isProviderError(code: ErrorCode, message: RegExp): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof UserRouterError, String(error))
    assert.equal(error.code, code, error.message)
    assert.match(error.message, message)
    return true
  }
}

function random(): string {
  return randomBytes(32).toString('base64url')
}

describe('OidcProvider', () => {
  let issuer: OidcIssuer
  let redirectUri = ''

  before(async () => {
    redirectUri = `http://127.0.0.1:${await freePort()}/hserve/v2.0/idp/oidc/callback/`
    issuer = await startOidcIssuer({ redirectUris: [redirectUri] })
  })

  after(() => issuer.stop())

  function provider(clientSecret = issuer.clientSecret): OidcProvider {
    return new OidcProvider({ issuer: issuer.issuer, clientId: issuer.clientId, clientSecret })
  }

  function newRequest(): AuthorizationRequest {
    return { redirectUri, state: random(), codeVerifier: random(), nonce: random() }
  }

  /** Runs the sign-in up to the callback: what `complete` is then given. */
  async function signIn(oidc: OidcProvider, accountId: string | null = 'alice'): Promise<{ request: AuthorizationRequest; callback: URL }> {
    issuer.signInAs(accountId)
    const request = newRequest()
    const callback = await followSignIn(await oidc.authorizationUrl(request))
    return { request, callback }
  }

  it('sends the browser to the authorization endpoint with the scopes, state, nonce and an S256 PKCE challenge', async () => {
    const request = newRequest()
    const url = new URL(await provider().authorizationUrl(request))
    assert.equal(url.origin + url.pathname, `${issuer.issuer}/auth`)
    const parameters = Object.fromEntries(url.searchParams)
    assert.equal(parameters.client_id, issuer.clientId)
    assert.equal(parameters.response_type, 'code')
    assert.equal(parameters.redirect_uri, redirectUri)
    assert.equal(parameters.scope, 'openid profile email')
    assert.equal(parameters.state, request.state)
    assert.equal(parameters.nonce, request.nonce)
    assert.equal(parameters.code_challenge_method, 'S256')
    assert.match(parameters.code_challenge ?? '', /^[\w-]{43}$/)
    assert.ok(!url.href.includes(request.codeVerifier))
  })

  it('answers the profile of the person who signed in, from the ID token and the userinfo endpoint, without a token', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc)
    assert.equal(callback.origin + callback.pathname, redirectUri)
    const profile = await oidc.complete(callback, request)
    assert.deepEqual(
      { ...profile, raw: undefined },
      {
        subject: 'alice',
        unionId: null,
        nickname: 'Alice Liddell',
        avatar: 'https://images.example.com/alice.png',
        gender: 2,
        language: 'en-GB',
        raw: undefined,
      },
    )
    assert.equal(profile.raw.sub, 'alice')
    assert.equal(profile.raw.email, 'alice@example.com')
    assert.equal(profile.raw.email_verified, true)
    assert.equal(profile.raw.picture, 'https://images.example.com/alice.png')
    for (const claim of ['access_token', 'id_token', 'refresh_token', 'nonce', 'at_hash', 'iss', 'aud', 'exp']) assert.ok(!(claim in profile.raw), `raw holds no ${claim}`)
    assert.ok(!JSON.stringify(profile.raw).includes('eyJ'), 'raw holds no JWT')
  })

  it('falls back to preferred_username, leaves out an http:// avatar off loopback, and reads gender male', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc, 'bob')
    const profile = await oidc.complete(callback, request)
    assert.equal(profile.subject, 'bob')
    assert.equal(profile.nickname, 'bob')
    assert.equal(profile.avatar, undefined)
    assert.equal(profile.gender, 1)
    assert.equal(profile.language, undefined)
  })

  it('asks for the scopes given, and names the provider by its name option in errors', async () => {
    const oidc = new OidcProvider({ issuer: issuer.issuer, clientId: issuer.clientId, clientSecret: issuer.clientSecret, scopes: ['openid'], name: 'Example ID' })
    const { request, callback } = await signIn(oidc)
    assert.equal(callback.searchParams.get('error'), null)
    await assert.rejects(oidc.complete(callback, { ...request, state: random() }), isProviderError('provider_failed', /^OpenID Connect provider Example ID: /))
    const second = await signIn(oidc)
    assert.deepEqual(await oidc.complete(second.callback, second.request), { subject: 'alice', unionId: null, gender: 0, raw: { sub: 'alice' } })
  })

  it('refuses a callback whose state is not the request’s', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc)
    await assert.rejects(oidc.complete(callback, { ...request, state: random() }), isProviderError('provider_failed', /state/))
  })

  it('refuses an ID token whose nonce is not the request’s', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc)
    await assert.rejects(oidc.complete(callback, { ...request, nonce: random() }), isProviderError('provider_failed', /nonce/))
  })

  it('refuses a PKCE verifier that does not match the challenge', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc)
    await assert.rejects(oidc.complete(callback, { ...request, codeVerifier: random() }), isProviderError('provider_failed', /invalid_grant/))
  })

  it('refuses a code used twice', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc)
    await oidc.complete(callback, request)
    await assert.rejects(oidc.complete(callback, request), isProviderError('provider_failed', /invalid_grant/))
  })

  it('refuses when the provider does not accept the client secret, without naming it', async () => {
    const secret = 'a-wrong-secret-4f9c2e'
    const oidc = provider(secret)
    const { request, callback } = await signIn(oidc)
    await assert.rejects(oidc.complete(callback, request), (error: Error) => {
      isProviderError('provider_failed', /invalid_client/)(error)
      assert.ok(!error.message.includes(secret) && !error.message.includes(callback.searchParams.get('code')!))
      return true
    })
  })

  it('refuses an ID token altered on its way (its signature no longer holds)', async () => {
    const oidc = provider()
    issuer.editTokenAnswers((answer) => {
      const [header, payload, signature] = String(answer.id_token).split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
      answer.id_token = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url'), signature].join('.')
    })
    try {
      const { request, callback } = await signIn(oidc)
      await assert.rejects(oidc.complete(callback, request), isProviderError('provider_failed', /signature/))
    } finally {
      issuer.editTokenAnswers(undefined)
    }
  })

  it('refuses a callback carrying an error parameter (the person declined)', async () => {
    const oidc = provider()
    const { request, callback } = await signIn(oidc, null)
    assert.equal(callback.searchParams.get('error'), 'access_denied')
    await assert.rejects(oidc.complete(callback, request), isProviderError('provider_failed', /access_denied/))
  })

  it('is unavailable while the issuer is down, and discovers it once it is up', async () => {
    const port = await freePort()
    const oidc = new OidcProvider({ issuer: `http://127.0.0.1:${port}`, clientId: issuer.clientId, clientSecret: issuer.clientSecret })
    await assert.rejects(oidc.authorizationUrl(newRequest()), isProviderError('provider_unavailable', /cannot be reached/))
    const late = await startOidcIssuer({ redirectUris: [redirectUri], port })
    try {
      late.signInAs('alice')
      const request = newRequest()
      const callback = await followSignIn(await oidc.authorizationUrl(request))
      assert.equal((await oidc.complete(callback, request)).subject, 'alice')
    } finally {
      await late.stop()
    }
  })

  it('takes the endpoints as an option instead of discovering them, with or without userinfo', async () => {
    const metadata = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>
    const endpoints = { authorization: metadata.authorization_endpoint!, token: metadata.token_endpoint!, jwks: metadata.jwks_uri! }
    const credentials = { issuer: issuer.issuer, clientId: issuer.clientId, clientSecret: issuer.clientSecret }
    const withUserInfo = new OidcProvider({ ...credentials, endpoints: { ...endpoints, userinfo: metadata.userinfo_endpoint! } })
    const first = await signIn(withUserInfo)
    assert.equal((await withUserInfo.complete(first.callback, first.request)).nickname, 'Alice Liddell')
    // Without userinfo, only the ID token speaks: this provider puts no profile claims in it.
    const idTokenOnly = new OidcProvider({ ...credentials, endpoints })
    const second = await signIn(idTokenOnly)
    assert.deepEqual(await idTokenOnly.complete(second.callback, second.request), { subject: 'alice', unionId: null, gender: 0, raw: { sub: 'alice' } })
    const third = await signIn(idTokenOnly)
    await assert.rejects(idTokenOnly.complete(third.callback, { ...third.request, nonce: random() }), isProviderError('provider_failed', /nonce/))
    assert.throws(() => new OidcProvider({ ...credentials, endpoints: { ...endpoints, token: 'http://idp.example.com/token' } }), {
      name: 'TypeError',
      message: /options\.endpoints\.token/,
    })
  })

  describe('with a provider that fails', () => {
    let server: Server
    let base = ''
    before(async () => {
      server = createServer((request, response) => {
        if (request.url?.startsWith('/slow/')) return // never answers
        response.writeHead(503, { 'Content-Type': 'text/plain' }).end('down for maintenance')
      })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    after(async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    })

    it('is unavailable when the provider answers 5xx', async () => {
      const oidc = new OidcProvider({ issuer: `${base}/down`, clientId: 'c', clientSecret: 's' })
      await assert.rejects(oidc.authorizationUrl(newRequest()), isProviderError('provider_unavailable', /503/))
    })

    it('is unavailable when the provider does not answer in time', async () => {
      const oidc = new OidcProvider({ issuer: `${base}/slow`, clientId: 'c', clientSecret: 's', timeoutMs: 200 })
      await assert.rejects(oidc.authorizationUrl(newRequest()), isProviderError('provider_unavailable', /in time/))
    })
  })

  it('takes an https:// issuer, or http:// only on a loopback host, and refuses other options at creation', () => {
    const valid = { clientId: 'client', clientSecret: 'secret' }
    for (const issuerUrl of ['https://accounts.example.com', 'http://127.0.0.1:8080', 'http://127.8.9.10', 'http://localhost:3000', 'http://[::1]:3000']) {
      assert.ok(new OidcProvider({ ...valid, issuer: issuerUrl }), issuerUrl)
    }
    for (const issuerUrl of ['http://accounts.example.com', 'http://127.0.0.1.example.com', 'ftp://127.0.0.1', 'not a url', '']) {
      assert.throws(() => new OidcProvider({ ...valid, issuer: issuerUrl }), { name: 'TypeError', message: /options\.issuer/ }, issuerUrl)
    }
    assert.throws(() => new OidcProvider({ issuer: 'https://a.example.com', clientId: '', clientSecret: 's' }), { name: 'TypeError', message: /options\.clientId/ })
    assert.throws(() => new OidcProvider({ issuer: 'https://a.example.com', clientId: 'c', clientSecret: '' }), { name: 'TypeError', message: /options\.clientSecret/ })
    for (const timeoutMs of [0, -1, 1.5]) {
      assert.throws(() => new OidcProvider({ ...valid, issuer: 'https://a.example.com', timeoutMs }), { name: 'TypeError', message: /options\.timeoutMs/ }, String(timeoutMs))
    }
    for (const scopes of [[], ['profile', 'email'], ['openid', 'two words']]) {
      assert.throws(() => new OidcProvider({ ...valid, issuer: 'https://a.example.com', scopes }), { name: 'TypeError', message: /options\.scopes/ }, String(scopes))
    }
  })
})
