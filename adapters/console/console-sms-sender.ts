/**
 * Development SMS: prints each code instead of sending it. Never use it in production: the codes
 * land in the log on purpose.
 */
import type { SmsMessage, SmsSender } from '../../src/ports.js'

export interface ConsoleSmsSenderOptions {
  /** Where lines go (default `console.log`). */
  print?: (line: string) => void
  /** Called with every message, e.g. to keep a development outbox. */
  onSend?: (message: SmsMessage) => void
}

export class ConsoleSmsSender implements SmsSender {
  constructor(private readonly options: ConsoleSmsSenderOptions = {}) {}

  async send(message: SmsMessage): Promise<void> {
    const print = this.options.print ?? console.log
    print(`[sms] to ${message.phone}: code ${message.code} (${message.purpose}, valid ${Math.round(message.ttlSeconds / 60)} min)`)
    this.options.onSend?.(message)
  }
}
