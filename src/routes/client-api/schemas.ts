/**
 * JSON Schemas of the client API's answers, for the OpenAPI document: the MinApp ones it shares
 * with the admin API, and its own. Field names are MinApp's.
 */
import type { UserSchema } from '../../model/schema.js'
import { minAppSchemas } from '../minapp/schemas.js'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

export function clientApiSchemas(schema: UserSchema): Record<string, Record<string, unknown>> {
  return {
    ...minAppSchemas(schema),
    SignedIn: {
      allOf: [
        ref('User'),
        { type: 'object', properties: { token: { type: 'string' }, expires_in: { type: 'integer', description: 'Seconds.' } }, required: ['token', 'expires_in'] },
      ],
    },
    SilentSignedIn: {
      type: 'object',
      properties: { user_id: { type: 'integer' }, token: { type: 'string' }, expires_in: { type: 'integer', description: 'Seconds.' }, user_info: ref('User') },
      required: ['user_id', 'token', 'expires_in', 'user_info'],
    },
    WechatSignedIn: {
      allOf: [
        ref('SilentSignedIn'),
        {
          type: 'object',
          properties: { openid: { type: 'string' }, unionid: { type: ['string', 'null'], description: 'Null when WeChat gives none.' } },
          required: ['openid', 'unionid'],
        },
      ],
    },
    ProviderRedirect: {
      type: 'object',
      properties: { status: { const: 'ok' }, redirect_url: { type: 'string', description: "The provider's authorization URL, to send the browser to." } },
      required: ['status', 'redirect_url'],
    },
    UserExport: {
      type: 'object',
      properties: {
        user: ref('User'),
        identities: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              provider: { type: 'string' },
              subject: { type: 'string' },
              unionid: { type: ['string', 'null'] },
              linked_at: { type: 'integer', description: 'Unix seconds.' },
            },
            required: ['provider', 'subject', 'unionid', 'linked_at'],
          },
        },
        sessions: { type: 'array', items: ref('UserSession') },
        exported_at: { type: 'integer', description: 'Unix seconds.' },
      },
      required: ['user', 'identities', 'sessions', 'exported_at'],
    },
    SessionDestroyed: { type: 'object', properties: { message: { const: 'Destroy succeed.' }, status: { const: 'ok' } }, required: ['message', 'status'] },
  }
}
