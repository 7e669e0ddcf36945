/**
 * One load run with autocannon's programmatic API, with latencies kept at full precision:
 * autocannon's own histogram holds whole milliseconds, too coarse for reads that take one or two,
 * so every response time (from its `response` event, in fractional ms) is kept here as well.
 */
import autocannon from 'autocannon'

export interface LoadSpec {
  title: string
  url: string
  connections: number
  /** Seconds; the run stops by itself then (or earlier through `stop()`). */
  seconds: number
  /** Builds the request for the n-th call (path, method, headers, body). */
  request: (n: number) => autocannon.Request
  /** Seconds without an answer before a request counts as a timeout. */
  timeoutSeconds?: number
}

export interface LoadResult {
  title: string
  connections: number
  /** Seconds the run lasted. */
  seconds: number
  /** Answers received, any status. */
  responses: number
  /** 2xx answers per second: the throughput that counts. */
  rps: number
  /** Latency of 2xx answers, milliseconds. */
  latency: { p50: number; p90: number; p99: number; max: number; mean: number }
  non2xx: number
  statusCounts: Record<string, number>
  /** Connection errors, timeouts included. */
  errors: number
  timeouts: number
  /** Every 2xx latency, sorted (for merging runs). */
  sortedLatencies: Float64Array
}

export interface RunningLoad {
  /** Ends the run early; `done` then resolves with what was measured so far. */
  stop(): void
  done: Promise<LoadResult>
}

/** The value at quantile `q` (0..1) of sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

function summarize(
  title: string,
  connections: number,
  seconds: number,
  sorted: Float64Array,
  counts: Pick<LoadResult, 'non2xx' | 'statusCounts' | 'errors' | 'timeouts'>,
): LoadResult {
  const ok = sorted.length
  return {
    title,
    connections,
    seconds,
    responses: Object.values(counts.statusCounts).reduce((a, b) => a + b, 0),
    rps: ok / seconds,
    latency: {
      p50: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      p99: quantile(sorted, 0.99),
      max: ok === 0 ? Number.NaN : sorted[ok - 1]!,
      mean: ok === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / ok,
    },
    ...counts,
    sortedLatencies: sorted,
  }
}

/** Runs of one scenario taken in parts (interleaved with another), as one result. */
export function mergeResults(title: string, parts: LoadResult[]): LoadResult {
  const statusCounts: Record<string, number> = {}
  for (const part of parts) {
    for (const [code, count] of Object.entries(part.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + count
  }
  const sum = (pick: (r: LoadResult) => number) => parts.reduce((a, r) => a + pick(r), 0)
  const all = new Float64Array(sum((r) => r.sortedLatencies.length))
  let at = 0
  for (const part of parts) {
    all.set(part.sortedLatencies, at)
    at += part.sortedLatencies.length
  }
  return summarize(
    title,
    parts[0]!.connections,
    sum((r) => r.seconds),
    all.sort(),
    {
      non2xx: sum((r) => r.non2xx),
      statusCounts,
      errors: sum((r) => r.errors),
      timeouts: sum((r) => r.timeouts),
    },
  )
}

export function startLoad(spec: LoadSpec): RunningLoad {
  const latencies: number[] = []
  const statusCounts: Record<string, number> = {}
  let n = 0
  let instance: autocannon.Instance | undefined
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.seconds,
        timeout: spec.timeoutSeconds ?? 10,
        pipelining: 1,
        requests: [{ setupRequest: (request) => ({ ...request, ...spec.request(n++) }) }],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)))
        resolve(
          summarize(spec.title, spec.connections, result.duration > 0 ? result.duration : spec.seconds, Float64Array.from(latencies).sort(), {
            non2xx: result.non2xx,
            statusCounts,
            errors: result.errors,
            timeouts: result.timeouts,
          }),
        )
      },
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
    })
  })
  return { stop: () => instance?.stop(), done }
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return startLoad(spec).done
}
