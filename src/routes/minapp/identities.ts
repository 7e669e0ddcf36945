/**
 * A user's third-party identities as the MinApp user object shows them (owner and operators only):
 * `_provider` holds, by provider name, what the provider said of the user at the last sign-in
 * together with the identity (`subject`, `unionid`, `linked_at`); `openid` and `unionid` are
 * WeChat's ids, as MinApp shows them.
 */
import type { Identity, JsonObject, StoredUser } from '../../model/user.js'
import { isPlainObject } from '../../model/values.js'

/** The providers whose subject is a WeChat `openid`: the mini program first. */
const WECHAT_PROVIDERS = ['wechat', 'oauth-wechat-mp', 'oauth-wechat-web']

export interface WireIdentities {
  _provider: JsonObject
  openid: string | null
  unionid: string | null
}

export function toWireIdentities(user: StoredUser): WireIdentities {
  const provider: JsonObject = { ...user.provider }
  for (const identity of user.identities) {
    const info = provider[identity.provider]
    provider[identity.provider] = { ...(isPlainObject(info) ? (info as JsonObject) : {}), subject: identity.subject, unionid: identity.unionId, linked_at: identity.linkedAt }
  }
  const wechat = WECHAT_PROVIDERS.map((name) => user.identities.find((i: Identity) => i.provider === name)).find((i) => i !== undefined)
  const unionid = user.identities.find((i) => i.unionId !== null)?.unionId ?? null
  return { _provider: provider, openid: wechat?.subject ?? null, unionid }
}
