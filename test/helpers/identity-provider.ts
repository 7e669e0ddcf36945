/**
 * A stand-in identity provider served over HTTP on 127.0.0.1, and the `RedirectIdentityProvider`
 * that talks to it. Its authorize endpoint signs in whoever `signInAs` names and sends the browser
 * straight back to the redirect URI with `code` and `state`; its token endpoint trades a code (once,
 * with the PKCE verifier and the same redirect URI) for that account.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { UserRouterError } from '../../src/errors.js'
import type { JsonObject } from '../../src/model/user.js'
import type { AuthorizationRequest, ProviderProfile, RedirectIdentityProvider } from '../../src/ports.js'

/** Who signs in at the stand-in: a profile without `raw` (the stand-in's user information is the whole account). */
export type StandInAccount = Omit<ProviderProfile, 'raw' | 'unionId'> & { unionId?: string | null }

interface IssuedCode {
  account: StandInAccount
  challenge: string
  redirectUri: string
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')

async function jsonBody(req: IncomingMessage): Promise<Record<string, string>> {
  let text = ''
  for await (const chunk of req) text += chunk
  return JSON.parse(text || '{}') as Record<string, string>
}

export class StandInIdentityServer {
  /** Codes issued and not yet traded. */
  private readonly codes = new Map<string, IssuedCode>()
  private account: StandInAccount = { subject: 'stand-in-user' }
  /** When set, the authorize endpoint answers `error=access_denied` (the person said no). */
  refuse = false
  /** How many codes the token endpoint traded. */
  exchanges = 0

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<StandInIdentityServer> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const standIn = new StandInIdentityServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    server.on('request', (req, res) => {
      standIn.answer(req).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        () => res.writeHead(500).end(),
      )
    })
    return standIn
  }

  /** The account the next authorizations sign in. */
  signInAs(account: StandInAccount): void {
    this.account = account
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body?: string }> {
    const url = new URL(req.url ?? '/', this.origin)
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri') ?? '')
      back.searchParams.set('state', url.searchParams.get('state') ?? '')
      if (this.refuse) {
        back.searchParams.set('error', 'access_denied')
      } else {
        const code = randomBytes(16).toString('hex')
        this.codes.set(code, { account: this.account, challenge: url.searchParams.get('code_challenge') ?? '', redirectUri: url.searchParams.get('redirect_uri') ?? '' })
        back.searchParams.set('code', code)
      }
      return { status: 302, headers: { Location: back.href } }
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const { code = '', code_verifier = '', redirect_uri = '' } = await jsonBody(req)
      const issued = this.codes.get(code)
      this.codes.delete(code)
      if (!issued || issued.challenge !== s256(code_verifier) || issued.redirectUri !== redirect_uri) return { status: 400, body: JSON.stringify({ error: 'invalid_grant' }) }
      this.exchanges++
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(issued.account) }
    }
    return { status: 404 }
  }

  /** The provider an app configures to sign in here. */
  provider(): RedirectIdentityProvider {
    return new StandInProvider(this.origin)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** The adapter side: builds the authorization URL and trades the callback's code at the token endpoint. */
class StandInProvider implements RedirectIdentityProvider {
  constructor(private readonly origin: string) {}

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const url = new URL('/authorize', this.origin)
    url.search = new URLSearchParams({
      redirect_uri: request.redirectUri,
      state: request.state,
      nonce: request.nonce,
      code_challenge: s256(request.codeVerifier),
      code_challenge_method: 'S256',
    }).toString()
    return url.href
  }

  async complete(callback: URL, request: AuthorizationRequest): Promise<ProviderProfile> {
    const params = callback.searchParams
    if (params.get('state') !== request.state) throw new UserRouterError('provider_failed', { message: 'The state does not match.' })
    if (params.has('error')) throw new UserRouterError('provider_failed', { message: 'The provider refused the sign-in.' })
    let res: Response
    try {
      res = await fetch(new URL('/token', this.origin), {
        method: 'POST',
        body: JSON.stringify({ code: params.get('code'), code_verifier: request.codeVerifier, redirect_uri: request.redirectUri }),
        signal: AbortSignal.timeout(5000),
      })
    } catch (cause) {
      throw new UserRouterError('provider_unavailable', { cause })
    }
    if (res.status >= 500) throw new UserRouterError('provider_unavailable')
    if (res.status !== 200) throw new UserRouterError('provider_failed', { message: 'The provider refused the code.' })
    const account = (await res.json()) as StandInAccount & JsonObject
    return { ...account, unionId: account.unionId ?? null, raw: account }
  }
}
