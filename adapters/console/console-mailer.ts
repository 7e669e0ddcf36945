/**
 * Development e-mail: prints each message (its plain-text part) instead of sending it. Never use it
 * in production: links land in the log on purpose.
 */
import type { MailMessage, Mailer } from '../../src/ports.js'

export interface ConsoleMailerOptions {
  /** Where lines go (default `console.log`). */
  print?: (line: string) => void
  /** Called with every message, e.g. to keep a development outbox. */
  onSend?: (message: MailMessage) => void
}

export class ConsoleMailer implements Mailer {
  constructor(private readonly options: ConsoleMailerOptions = {}) {}

  async send(message: MailMessage): Promise<void> {
    const print = this.options.print ?? console.log
    print(`[mail] to ${message.to}: ${message.subject}\n${message.text}`)
    this.options.onSend?.(message)
  }
}
