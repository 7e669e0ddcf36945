/**
 * JSON Schemas of the phone API's answers, for the OpenAPI document: the `{"result": ...}` envelope
 * of `/api/v1/users` and the RFC 6749 answers of `/oauth` (`wire.ts` produces them).
 */
const details = {
  type: 'array',
  items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
}

export const PHONE_API_SCHEMAS: Record<string, Record<string, unknown>> = {
  PhoneApiSuccess: { type: 'object', properties: { result: { const: 1 } }, required: ['result'] },
  PhoneApiLoginCode: {
    type: 'object',
    properties: { result: { const: 1 }, oauth_login_code: { type: 'string', description: 'Single use, 10 minutes: the password of the OAuth password grant.' } },
    required: ['result', 'oauth_login_code'],
  },
  PhoneApiFailure: {
    type: 'object',
    properties: { result: { const: 0 }, error: { type: 'string', description: 'The reason, readable.' }, code: { type: 'string' }, details },
    required: ['result', 'error', 'code'],
  },
  OAuthToken: {
    type: 'object',
    properties: {
      access_token: { type: 'string' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', description: 'Seconds the access token lives.' },
      refresh_token: { type: 'string', description: 'Single use: each refresh answers a new one.' },
      created_at: { type: 'integer', description: 'Unix seconds.' },
    },
    required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'created_at'],
  },
  OAuthError: {
    type: 'object',
    properties: {
      error: {
        enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'temporarily_unavailable', 'server_error'],
      },
      error_description: { type: 'string' },
    },
    required: ['error', 'error_description'],
  },
  Empty: { type: 'object', additionalProperties: false },
}
