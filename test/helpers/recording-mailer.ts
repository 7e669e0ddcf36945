/**
 * A `Mailer` for tests: keeps every message, can be told to fail, and finds the link in a message
 * (the first http(s) URL of the plain-text part).
 */
import assert from 'node:assert/strict'
import { UserRouterError } from '../../src/errors.js'
import type { MailMessage, Mailer } from '../../src/ports.js'

/** What a failing send reports: a server message that must never reach a client. */
export const SERVER_DETAIL = '554 5.7.1 relay denied for internal-host.example (secret detail)'

export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = []
  /** While true, every send rejects with `mail_failed` (cause: an error carrying SERVER_DETAIL). */
  failing = false
  private waiters: (() => void)[] = []

  async send(message: MailMessage): Promise<void> {
    if (this.failing) throw new UserRouterError('mail_failed', { cause: new Error(SERVER_DETAIL) })
    this.sent.push(message)
    for (const wake of this.waiters.splice(0)) wake()
  }

  /** The last message, asserting there is one. */
  last(): MailMessage {
    const message = this.sent.at(-1)
    assert.ok(message, 'no mail was sent')
    return message
  }

  /** Resolves once `count` messages have been sent in all (fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.sent.length < count) {
      const left = deadline - Date.now()
      assert.ok(left > 0, `expected ${count} mails, got ${this.sent.length}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

/** The link in a message's plain-text part. */
export function linkIn(message: MailMessage): string {
  const match = /https?:\/\/\S+/.exec(message.text)
  assert.ok(match, `no link in ${JSON.stringify(message.text)}`)
  return match[0]
}

/** The link as a path and query (for supertest on the same server), and its token. */
export function pathAndToken(link: string): { path: string; token: string } {
  const url = new URL(link)
  return { path: `${url.pathname}${url.search}`, token: url.searchParams.get('token') ?? '' }
}
