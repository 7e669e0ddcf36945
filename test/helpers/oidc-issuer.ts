/**
 * A real OpenID Connect provider (the oidc-provider library) on 127.0.0.1, for sign-in tests: one
 * confidential client that must use PKCE, a few accounts, and a sign-in page that signs in the
 * chosen account at once (and grants the scopes asked for), so that a flow runs on plain HTTP
 * requests (`followSignIn`) or in a browser with nothing to click.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

/** Claims by account id; the account id is the `sub`. */
export type OidcAccounts = Record<string, Record<string, unknown>>

export const OIDC_ACCOUNTS: OidcAccounts = {
  alice: {
    name: 'Alice Liddell',
    preferred_username: 'alice',
    picture: 'https://images.example.com/alice.png',
    email: 'alice@example.com',
    email_verified: true,
    gender: 'female',
    locale: 'en-GB',
  },
  bob: { preferred_username: 'bob', picture: 'http://images.example.com/bob.png', gender: 'male' },
}

export interface OidcIssuerOptions {
  /** Where the client may be sent back (the sign-in callback routes under test). */
  redirectUris: string[]
  accounts?: OidcAccounts
  /** A fixed port (to start the issuer where a client already points); default a free one. */
  port?: number
}

/** Rewrites a token endpoint answer (its parsed JSON) before it is sent. */
export type TokenAnswerEdit = (answer: Record<string, unknown>) => void

export interface OidcIssuer {
  /** The issuer identifier, `http://127.0.0.1:<port>`. */
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
  /** Who the following sign-ins sign in as; null makes the provider refuse them (`access_denied`). */
  signInAs(accountId: string | null): void
  /** Alters the token endpoint's successful answers (undefined: no longer). */
  editTokenAnswers(edit: TokenAnswerEdit | undefined): void
  stop(): Promise<void>
}

const CLIENT_ID = 'express-user-router-test'
const CLIENT_SECRET = 'test-client-secret-0123456789abcdef'

export async function startOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  const accounts = options.accounts ?? OIDC_ACCOUNTS
  let signedIn: string | null = Object.keys(accounts)[0] ?? null
  let editTokenAnswer: TokenAnswerEdit | undefined
  const server = createServer()
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // The JWK comes from a key object of its own, made from PEM text: on Node 20, exporting a JWK from
  // the key object a key generation returned can deadlock the process, when a garbage collection
  // during the export frees the generation job, which locks the key the export already holds.
  const { privateKey: pem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  const privateKey = createPrivateKey(pem)
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: options.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    pkce: { required: () => true },
    findAccount: (_context: unknown, sub: string) => (accounts[sub] ? { accountId: sub, claims: () => ({ ...accounts[sub], sub }) } : undefined),
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'nickname', 'picture', 'gender', 'locale'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['oidc-issuer-test-cookie-key'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    renderError: (context: { type: string; body: unknown }, out: unknown) => {
      context.type = 'json'
      context.body = out
    },
  })
  const handle = provider.callback()

  /** The sign-in page: signs in `signedIn` (or refuses), then grants what the client asked for. */
  async function interact(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(request, response)
    if (details.prompt.name === 'login') {
      const result = signedIn === null ? { error: 'access_denied', error_description: 'The person declined to sign in.' } : { login: { accountId: signedIn } }
      await provider.interactionFinished(request, response, result, { mergeWithLastSubmission: false })
      return
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) })
    const { missingOIDCScope, missingOIDCClaims } = details.prompt.details
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '))
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims)
    await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true })
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/interaction/')) {
      interact(request, response).catch((error: unknown) => {
        response.statusCode = 500
        response.end(String(error))
      })
      return
    }
    if (request.method === 'POST' && request.url === '/token' && editTokenAnswer) editAnswer(response, editTokenAnswer)
    handle(request, response)
  })

  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    signInAs(accountId) {
      signedIn = accountId
    },
    editTokenAnswers(edit) {
      editTokenAnswer = edit
    },
    async stop() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** Passes a successful JSON answer (written in one `end`, as oidc-provider does) through `edit`. */
function editAnswer(response: ServerResponse, edit: TokenAnswerEdit): void {
  const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse
  response.end = ((chunk?: unknown) => {
    if (response.statusCode !== 200 || chunk === undefined) return end(chunk)
    const answer = JSON.parse(String(chunk)) as Record<string, unknown>
    edit(answer)
    const text = JSON.stringify(answer)
    response.setHeader('Content-Length', Buffer.byteLength(text))
    return end(text)
  }) as typeof response.end
}

/**
 * Follows a sign-in from the authorization URL as a browser would (redirects, cookies) until it
 * leaves the issuer, and answers where it was sent: the callback URL with `code` and `state` (or
 * `error`). Nothing is requested there.
 */
export async function followSignIn(authorizationUrl: string): Promise<URL> {
  const cookies = new Map<string, string>()
  let url = new URL(authorizationUrl)
  const issuerOrigin = url.origin
  for (let hop = 0; hop < 20; hop++) {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const [name = '', value = ''] = pair.split(/=(.*)/s)
      if (value === '' || /;\s*max-age=0\b|;\s*expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name.trim())
      else cookies.set(name.trim(), value)
    }
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || location === null) {
      throw new Error(`the sign-in stopped at ${url.pathname} with ${response.status}: ${await response.text()}`)
    }
    await response.body?.cancel()
    url = new URL(location, url)
    if (url.origin !== issuerOrigin) return url
  }
  throw new Error('the sign-in redirected more than 20 times')
}
