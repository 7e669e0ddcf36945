/**
 * JSON Schemas of the MinApp answers that the client API and the admin API share, for the OpenAPI
 * document: the shapes `wire.ts` and the list routes produce. Field names are MinApp's.
 */
import type { UserSchema } from '../../model/schema.js'
import { profileUpdateSchema, userObjectSchema } from '../../openapi/user-schemas.js'

const nullableString = { type: ['string', 'null'] }
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

/** `{meta, objects}` of the list routes. */
const LIST_META_SCHEMA = {
  type: 'object',
  properties: {
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    next: { ...nullableString, description: 'The same path with the next offset, or null on the last page.' },
    previous: { ...nullableString, description: 'The same path with the previous offset, or null on the first page.' },
    total_count: { type: 'integer', description: 'With `return_total_count=1` (always on v2.0 lists).' },
  },
  required: ['limit', 'offset', 'next', 'previous'],
}

/** A signed-in session, `toWireSession`. */
const USER_SESSION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'A public id of the session: never its token.' },
    kind: { enum: ['token', 'oauth'], description: '`token`: a client API sign-in; `oauth`: a phone API OAuth token family.' },
    client_id: { type: 'string', description: 'The X-Hydrogen-Client-ID of the sign-in, or the OAuth client.' },
    created_at: { type: 'integer', description: 'Unix seconds of the sign-in.' },
    last_used_at: { type: 'integer', description: 'Unix seconds of the last use, to the minute (an OAuth family: its last refresh).' },
    ip: { type: 'string', description: 'The address of the sign-in.' },
    user_agent: { type: 'string', description: 'The User-Agent of the sign-in.' },
    current: { type: 'boolean', description: "The session of the request's own token (always false for operators)." },
  },
  required: ['id', 'kind', 'client_id', 'created_at', 'last_used_at', 'ip', 'user_agent', 'current'],
}

/** The error body, `minAppErrorBody`. */
const MINAPP_ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error_msg: { type: 'string', description: 'A readable message (the SDK shows it).' },
    code: { type: 'string', description: 'A stable machine code (see the README error table).' },
    details: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
    },
  },
  required: ['error_msg', 'code'],
}

export function minAppSchemas(schema: UserSchema): Record<string, Record<string, unknown>> {
  const user = userObjectSchema(schema)
  const selected: Record<string, unknown> = { ...user }
  delete selected.required
  return {
    User: user,
    // `keys` can leave out any field, those `User` requires included.
    SelectedUser: { ...selected, description: 'The user: every field, or those the `keys` parameter selects.' },
    UserList: { type: 'object', properties: { meta: LIST_META_SCHEMA, objects: { type: 'array', items: ref('SelectedUser') } }, required: ['meta', 'objects'] },
    ProfileUpdate: profileUpdateSchema(schema),
    AccountInfo: {
      type: 'object',
      properties: { email: nullableString, email_verified: { type: 'boolean' }, username: nullableString, phone: nullableString, phone_verified: { type: 'boolean' } },
      required: ['email', 'email_verified', 'username', 'phone', 'phone_verified'],
    },
    UserSession: USER_SESSION_SCHEMA,
    UserSessionList: { type: 'object', properties: { objects: { type: 'array', items: ref('UserSession') } }, required: ['objects'] },
    StatusOk: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
    MinAppError: MINAPP_ERROR_SCHEMA,
  }
}
