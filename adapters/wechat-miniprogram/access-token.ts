/**
 * The mini program's access token for WeChat's server API (`cgi-bin/token`), fetched on first use
 * and kept until shortly before it expires. Concurrent callers share one fetch.
 */

export interface FetchedToken {
  token: string
  expiresInSeconds: number
}

/** Refresh this long before expiry (at most half the token's life), so a call never carries a dying token. */
const REFRESH_MARGIN_SECONDS = 300

export class AccessTokenCache {
  #cached: { token: string; refreshAt: number } | null = null
  #pending: Promise<string> | null = null
  readonly #fetchToken: () => Promise<FetchedToken>
  readonly #now: () => number

  constructor(fetchToken: () => Promise<FetchedToken>, now: () => number) {
    this.#fetchToken = fetchToken
    this.#now = now
  }

  async get(): Promise<string> {
    if (this.#cached !== null && this.#now() < this.#cached.refreshAt) return this.#cached.token
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = null
    })
    return this.#pending
  }

  /** Forgets `token` after WeChat refused it (expired, or replaced by a newer one fetched elsewhere). */
  discard(token: string): void {
    if (this.#cached?.token === token) this.#cached = null
  }

  async #refresh(): Promise<string> {
    const { token, expiresInSeconds } = await this.#fetchToken()
    const margin = Math.min(REFRESH_MARGIN_SECONDS, expiresInSeconds / 2)
    this.#cached = { token, refreshAt: this.#now() + (expiresInSeconds - margin) * 1000 }
    return token
  }
}
