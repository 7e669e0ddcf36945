/**
 * The notice to an account's old verified e-mail address after its e-mail or phone changed: the
 * owner of a taken-over account learns of it at an address the new holder does not control.
 */
import { isUserRouterError } from '../errors.js'
import type { StoredUser } from '../model/user.js'
import type { ServiceDeps } from './deps.js'
import { composeChangeNotice, type ChangedContact } from './email-messages.js'
import { deliver } from './email-sending.js'

/**
 * Mails the notice to `before.email` when it was verified, without waiting: the change is already
 * stored, so a slow or failing mailer never delays or fails it (failures are logged). Nothing is
 * sent without a mailer or when nothing of `changed` changed.
 */
export function noticeContactChange(deps: ServiceDeps, before: StoredUser, changed: ChangedContact[]): void {
  if (!deps.mailer || changed.length === 0 || !before.emailVerified || before.email === null) return
  const to = before.email
  const send = async () => deliver(deps, { to, ...(await composeChangeNotice(deps.email, changed)) })
  void send().catch((error: unknown) => {
    // Mailer failures are logged by deliver; anything else (a template that throws) here.
    if (!isUserRouterError(error, 'mail_failed')) deps.logger.error('express-user-router: an account-change notice could not be sent', error)
  })
}
