/**
 * The MinApp wire format that the client API (`/hserve`) and the admin API (`/userve`) share: the
 * user object, the account data and the error body. Field names are MinApp's on purpose: do not
 * rename them.
 */
import type { UserRouterError } from '../../errors.js'
import type { FieldDef } from '../../model/fields.js'
import type { UserSchema } from '../../model/schema.js'
import type { StoredUser } from '../../model/user.js'
import { readProfileValue } from '../../model/values.js'
import type { FieldSelection } from '../../query/parse-list-params.js'
import type { SessionSummary } from '../../services/user-sessions.js'
import { toWireIdentities } from './identities.js'

export interface WireView {
  /** The owner (or an operator) sees every field; other users see public fields only. */
  full: boolean
  select?: FieldSelection | null
}

/** The user as MinApp JSON. Custom fields that are unset read as null. */
export function toWireUser(user: StoredUser, schema: UserSchema, view: WireView): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: user.id,
    user_id: user.id,
    created_by: user.id,
    _username: user.username,
    avatar: user.avatar,
    nickname: user.nickname,
    gender: user.gender,
    country: user.country,
    province: user.province,
    city: user.city,
    language: user.language,
    is_authorized: user.isAuthorized,
    _anonymous: user.anonymous,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
  if (view.full) {
    Object.assign(wire, {
      _email: user.email,
      _email_verified: user.emailVerified,
      _phone: user.phone,
      _phone_verified: user.phoneVerified,
      _suspended: user.suspended,
      ...toWireIdentities(user),
    })
  }
  for (const field of schema.custom) {
    if (view.full || field.public) wire[field.name] = readProfileValue(field, user.profile[field.name])
  }
  return view.select ? applySelection(wire, view.select) : wire
}

function applySelection(wire: Record<string, unknown>, select: FieldSelection): Record<string, unknown> {
  const names = new Set(select.fields.map((f: FieldDef) => f.name))
  if (select.mode === 'exclude') return Object.fromEntries(Object.entries(wire).filter(([k]) => !names.has(k)))
  // `id` always comes along so that a client can tell the objects apart.
  return Object.fromEntries(Object.entries(wire).filter(([k]) => k === 'id' || names.has(k)))
}

/** The answer of the account routes. */
export function toAccountInfo(user: StoredUser): Record<string, unknown> {
  return {
    email: user.email,
    email_verified: user.emailVerified,
    username: user.username,
    phone: user.phone,
    phone_verified: user.phoneVerified,
  }
}

/** One signed-in session of a user, as the user and operators see it. */
export function toWireSession(session: SessionSummary): Record<string, unknown> {
  return {
    id: session.id,
    kind: session.kind,
    client_id: session.clientId,
    created_at: session.createdAt,
    last_used_at: session.lastUsedAt,
    ip: session.ip,
    user_agent: session.userAgent,
    current: session.current,
  }
}

/** The error body: `{error_msg, code, details?}`. */
export function minAppErrorBody(error: UserRouterError): Record<string, unknown> {
  return { error_msg: error.message, code: error.code, ...(error.details ? { details: error.details } : {}) }
}
