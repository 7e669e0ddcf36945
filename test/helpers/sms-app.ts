/** A test app with a recording SMS sender and an event log: the setup of every SMS test file. */
import type { UserRouterEvent } from '../../src/events.js'
import type { UserRouterOptions } from '../../src/options.js'
import { smsOutbox, type SmsOutbox } from './sms-outbox.js'
import { createTestApp, type Backend, type TestApp } from './test-app.js'

export interface SmsTestApp extends TestApp {
  readonly outbox: SmsOutbox
  /** Every event the router emitted, oldest first. */
  readonly events: UserRouterEvent[]
}

export async function createSmsTestApp(backend: Backend, label: string, options: Partial<UserRouterOptions> = {}): Promise<SmsTestApp> {
  const outbox = smsOutbox()
  const events: UserRouterEvent[] = []
  const t = await createTestApp({ backend, label, options: { sms: outbox.sender, onEvent: (event) => void events.push(event), ...options } })
  return Object.assign(t, { outbox, events })
}
