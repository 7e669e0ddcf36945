/**
 * The bench's one abort switch: the watchdog, a signal or a crashed server child trips it; the loads
 * in flight stop at once and the next step throws, so the run ends (and cleans up) promptly.
 */
import { startLoad, type LoadResult, type LoadSpec, type RunningLoad } from './load.js'

const aborter = new AbortController()
const activeLoads = new Set<RunningLoad>()

export const abortSignal: AbortSignal = aborter.signal

export function abort(reason: Error): void {
  if (aborter.signal.aborted) return
  aborter.abort(reason)
  for (const load of activeLoads) load.stop()
}

/** Starts a load that an abort stops; `done` removes it from the tracked set. */
export function startTracked(spec: LoadSpec): RunningLoad {
  aborter.signal.throwIfAborted()
  const running = startLoad(spec)
  activeLoads.add(running)
  const done = running.done.finally(() => activeLoads.delete(running))
  return { stop: running.stop, done }
}

/** Runs a load to its end; throws if the run was aborted meanwhile. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const result = await startTracked(spec).done
  aborter.signal.throwIfAborted()
  return result
}

/** Stops every load still running (cleanup). */
export function stopAllLoads(): void {
  for (const running of activeLoads) running.stop()
}
