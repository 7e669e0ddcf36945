/**
 * Debian's Chromium (`apt-get install chromium`), driven by playwright-core: never a downloaded
 * browser. Absent: the suite is skipped with a message, except under CI=true, where it fails.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Why Chromium cannot be used, or null when it can. Throws under CI=true. */
export function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install Debian's package: apt-get install -y chromium)`
  if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it`)
  console.warn(`${reason}: browser suite skipped`)
  return reason
}

export interface Browser {
  readonly context: BrowserContext
  close(): Promise<void>
}

/** A headless Chromium with a fresh, temporary profile that `close()` deletes. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'eur-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      timeout: 30_000,
    })
  } catch (error) {
    await rm(profile, { recursive: true, force: true })
    throw error
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}
