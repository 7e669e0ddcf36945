/**
 * The admin API's own wire format. Users are the MinApp user object (`../minapp/wire.ts`), seen in
 * full; the current-admin profile and the bulk-update answer are this family's own. Field names
 * are MinApp's on purpose: do not rename them.
 */
import type { UserSchema } from '../../model/schema.js'
import type { StoredUser } from '../../model/user.js'
import type { FieldSelection } from '../../query/parse-list-params.js'
import type { BulkUpdateResult } from '../../services/admin-bulk-update.js'
import { toWireUser } from '../minapp/wire.js'

/** The bulk update's continuation parameter: only users with a greater id (see `bulkUpdateProfiles`). */
export const AFTER_ID = 'after_id'

/** A user as an operator sees it: every field. */
export function toAdminUser(user: StoredUser, schema: UserSchema, select: FieldSelection | null = null): Record<string, unknown> {
  return toWireUser(user, schema, { full: true, select })
}

/** `GET /userve/v1/user-profile/` and the login answer. */
export function toAdminProfile(user: StoredUser): Record<string, unknown> {
  return { avatar_link: user.avatar, email: user.email, nickname: user.nickname, user_id: user.id }
}

/** `{operation_result, succeed, total_count?, offset, limit, next}` of the bulk update. */
export function toBulkAnswer(result: BulkUpdateResult, page: { offset: number; limit: number; next: string | null }): Record<string, unknown> {
  return {
    operation_result: result.outcomes.map((outcome) =>
      'error' in outcome
        ? { error: { id: outcome.id, code: outcome.error.code, error_msg: outcome.error.message } }
        : { success: { id: outcome.id, updated_at: outcome.updatedAt } },
    ),
    succeed: result.succeed,
    ...(result.totalCount === undefined ? {} : { total_count: result.totalCount }),
    offset: page.offset,
    limit: page.limit,
    next: page.next,
  }
}
