/** Turns Weibo's user (`2/users/show.json`) into the router's provider profile. */
import type { JsonObject } from '../../src/model/user.js'
import type { ProviderProfile } from '../../src/ports.js'
import { definedFields, httpsUrl, text } from '../provider-http/profile-fields.js'

const GENDERS: Record<string, number> = { m: 1, f: 2 }

/**
 * The profile of the Weibo user `uid` (its `idstr`); `user` is Weibo's answer, already checked to be
 * about `uid`. `raw` leaves out `status`, the user's latest post: it says nothing of the person and
 * would crowd the little room `_provider` has.
 */
export function weiboProfile(uid: string, user: JsonObject): ProviderProfile {
  const { status: _latestPost, ...fields } = user
  return {
    subject: uid,
    unionId: null,
    ...definedFields({
      nickname: text(user.screen_name),
      avatar: httpsUrl(user.avatar_large) ?? httpsUrl(user.profile_image_url),
      language: text(user.lang),
    }),
    gender: GENDERS[String(user.gender)] ?? 0,
    raw: fields,
  }
}
