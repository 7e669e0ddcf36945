/**
 * Steady client traffic for fault tests: a few workers send requests back to back, and every
 * answer is recorded with its status, error code and time, so a test can say what clients saw
 * before, during and after an outage.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Answer {
  /** HTTP status, or 0 when no answer came (connection refused, reset, or the client's timeout). */
  status: number
  /** The body's `code`, if any. */
  code: string | undefined
  /** Milliseconds from sending to the answer (or to the failure). */
  ms: number
  /** `Date.now()` when it was sent. */
  sentAt: number
}

/** Clients give up after this long; an outage answer must come well before. */
const CLIENT_TIMEOUT_MS = 10_000

/** Sends one JSON request and records what came back, never throwing; `onBody` sees the parsed body. */
export async function ask(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  onBody?: (body: Record<string, unknown>) => void,
): Promise<Answer> {
  const sentAt = Date.now()
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    })
    const body = (await response.json().catch(() => ({}))) as { code?: string }
    onBody?.(body)
    return { status: response.status, code: body.code, ms: Date.now() - sentAt, sentAt }
  } catch {
    return { status: 0, code: undefined, ms: Date.now() - sentAt, sentAt }
  }
}

export interface Traffic {
  /** Answers so far. */
  readonly answers: Answer[]
  /** Stops the workers and resolves with every answer, once the requests in flight are answered. */
  stop(): Promise<Answer[]>
}

/** `workers` loops, each sending `request(n)` (one or a few requests) as soon as the previous answer came, `pauseMs` apart. */
export function startTraffic(request: (n: number) => Promise<Answer | Answer[]>, workers = 4, pauseMs = 20): Traffic {
  const answers: Answer[] = []
  let stopped = false
  let n = 0
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      answers.push(...[await request(n++)].flat())
      await sleep(pauseMs)
    }
  })
  return {
    answers,
    async stop() {
      stopped = true
      await Promise.all(loops)
      return answers
    },
  }
}

/** Polls `check` every 100 ms until it holds; throws after `timeoutMs` with `what`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(100)
  }
  return Date.now() - start
}

/** The bound on an outage answer: a client learns of it quickly instead of hanging. */
export const OUTAGE_ANSWER_MS = 2000

/** Every answer was a success or a 503 `unavailable`, each within `OUTAGE_ANSWER_MS`; at least one was a 503. */
export function assertOutageAnswers(answers: Answer[], successes: number[]): void {
  const summary = describeAnswers(answers)
  for (const a of answers) {
    assert.ok(successes.includes(a.status) || (a.status === 503 && a.code === 'unavailable'), `unexpected answer ${a.status} ${a.code}: ${summary}`)
    assert.ok(a.ms < OUTAGE_ANSWER_MS, `an answer took ${a.ms} ms: ${summary}`)
  }
  assert.ok(
    answers.some((a) => a.status === 503),
    `no 503 during the outage: ${summary}`,
  )
}

/** A one-line summary for assertion messages: status (code) counts, and the slowest answer. */
export function describeAnswers(answers: Answer[]): string {
  const counts: Record<string, number> = {}
  for (const a of answers) {
    const key = `${a.status}${a.code ? ` ${a.code}` : ''}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return `${JSON.stringify(counts)}, slowest ${Math.max(0, ...answers.map((a) => a.ms))} ms`
}
