/** What tests that start servers of their own share: a free loopback port, and the skip-or-fail rule. */
import { once } from 'node:events'
import { createServer } from 'node:net'

/** A port the OS just handed out on 127.0.0.1 (bound and released: it is not handed out again at once). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Skips outside CI (returning the reason, after printing it), throws under CI=true. */
export function unusable(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it`)
  console.warn(`${reason}: suite skipped`)
  return `${reason}: suite skipped`
}
