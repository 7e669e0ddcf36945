/**
 * The server child's RSS, sampled every second over the whole run and tagged with the pass it fell
 * in. The check: the repeated last pass (the same load again) needs no more memory than its first
 * run, within a margin for the collector's timing; growth there would be a leak.
 */
import type { ServerChild } from './server-child.js'

export interface MemorySample {
  /** Seconds since sampling began. */
  at: number
  pass: string
  rssMiB: number
  heapUsedMiB: number
}

export interface MemorySummary {
  /** Per pass: the highest and the last RSS, MiB. */
  passes: { pass: string; maxRssMiB: number; lastRssMiB: number }[]
  /** Highest RSS of the repeated pass over that of its first run (null without a repeat). */
  repeatGrowth: { first: string; repeat: string; ratio: number } | null
  samples: MemorySample[]
}

const MiB = 2 ** 20
const round = (x: number) => Math.round(x * 10) / 10

export function startMemorySampler(child: ServerChild, currentPass: () => string, intervalMs = 1000) {
  const samples: MemorySample[] = []
  const start = Date.now()
  const timer = setInterval(() => {
    child.readMemory().then(
      ({ rss, heapUsed }) => void samples.push({ at: round((Date.now() - start) / 1000), pass: currentPass(), rssMiB: round(rss / MiB), heapUsedMiB: round(heapUsed / MiB) }),
      () => {},
    )
  }, intervalMs)
  timer.unref()
  return {
    stop(repeat: { first: string; repeat: string } | null): MemorySummary {
      clearInterval(timer)
      const order = [...new Set(samples.map((s) => s.pass))]
      const passes = order.map((pass) => {
        const mine = samples.filter((s) => s.pass === pass)
        return { pass, maxRssMiB: Math.max(...mine.map((s) => s.rssMiB)), lastRssMiB: mine.at(-1)!.rssMiB }
      })
      const max = (pass: string) => passes.find((p) => p.pass === pass)?.maxRssMiB
      const first = repeat && max(repeat.first)
      const again = repeat && max(repeat.repeat)
      return { passes, repeatGrowth: repeat && first && again ? { ...repeat, ratio: again / first } : null, samples }
    },
  }
}
