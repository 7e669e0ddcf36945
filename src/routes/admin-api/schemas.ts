/**
 * JSON Schemas of the admin API's answers, for the OpenAPI document: the MinApp ones it shares with
 * the client API, and its own. Field names are MinApp's.
 */
import type { UserSchema } from '../../model/schema.js'
import { minAppSchemas } from '../minapp/schemas.js'

const nullableString = { type: ['string', 'null'] }

export function adminApiSchemas(schema: UserSchema): Record<string, Record<string, unknown>> {
  return {
    AdminProfile: {
      type: 'object',
      properties: { avatar_link: { type: 'string' }, email: nullableString, nickname: { type: 'string' }, user_id: { type: 'integer' } },
      required: ['avatar_link', 'email', 'nickname', 'user_id'],
    },
    BulkUpdateResult: {
      type: 'object',
      properties: {
        operation_result: {
          type: 'array',
          items: {
            oneOf: [
              {
                type: 'object',
                properties: { success: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'integer' } }, required: ['id', 'updated_at'] } },
                required: ['success'],
              },
              {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: { id: { type: 'integer' }, code: { type: 'string' }, error_msg: { type: 'string' } },
                    required: ['id', 'code', 'error_msg'],
                  },
                },
                required: ['error'],
              },
            ],
          },
        },
        succeed: { type: 'integer' },
        total_count: { type: 'integer', description: 'With `return_total_count=1`.' },
        offset: { type: 'integer' },
        limit: { type: 'integer' },
        next: { ...nullableString, description: 'The next call of the walk (with `after_id`), or null.' },
      },
      required: ['operation_result', 'succeed', 'offset', 'limit', 'next'],
    },
    ...minAppSchemas(schema),
  }
}
