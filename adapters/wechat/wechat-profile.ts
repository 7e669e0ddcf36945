/** Turns WeChat's user information (`sns/userinfo`) into the router's provider profile. */
import type { JsonObject } from '../../src/model/user.js'
import type { ProviderProfile } from '../../src/ports.js'
import { definedFields, httpsUrl, text } from '../provider-http/profile-fields.js'

/** `sex`: 1 male, 2 female, anything else unknown. WeChat has sent it both as a number and a string. */
function gender(value: unknown): number {
  const sex = Number(value)
  return sex === 1 || sex === 2 ? sex : 0
}

/**
 * The profile of `openid`. `userinfo` is WeChat's answer (already checked to be of that openid),
 * or null when the scope (snsapi_base) gives no user information; `unionid` is the token answer's.
 */
export function wechatProfile(openid: string, unionid: string | undefined, userinfo: JsonObject | null): ProviderProfile {
  if (userinfo === null) return { subject: openid, unionId: unionid ?? null, raw: definedFields({ openid, unionid }) as JsonObject }
  return {
    subject: openid,
    unionId: text(userinfo.unionid) ?? unionid ?? null,
    ...definedFields({
      nickname: text(userinfo.nickname),
      avatar: httpsUrl(userinfo.headimgurl),
      country: text(userinfo.country),
      province: text(userinfo.province),
      city: text(userinfo.city),
    }),
    gender: gender(userinfo.sex),
    raw: userinfo,
  }
}
