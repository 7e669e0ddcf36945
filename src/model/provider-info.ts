/**
 * What a provider says of a user, as `_provider[<provider>]` can keep it: `_provider` is one JSON
 * object of at most `MAX_JSON_BYTES` for every provider of the user, and a provider's answer is
 * neither ours to trust for size nor for clean text.
 */
import type { JsonObject } from './user.js'
import { checkJsonObject } from './values.js'

/** Bytes of one provider's entry: a quarter of `_provider`'s 8 KiB, so several providers fit. */
export const MAX_PROVIDER_INFO_BYTES = 2048

/** The top-level entries of `raw` in order, each clean JSON, while the whole fits `MAX_PROVIDER_INFO_BYTES`; the rest are left out. */
export function storableProviderInfo(raw: JsonObject): JsonObject {
  const kept: JsonObject = {}
  let bytes = 2
  for (const [key, value] of Object.entries(raw)) {
    const entry = { [key]: value }
    try {
      checkJsonObject(entry, '_provider', 'invalid_update')
    } catch {
      continue
    }
    // `"key":value` plus the comma before it.
    const size = Buffer.byteLength(JSON.stringify(entry)) - 1
    if (bytes + size > MAX_PROVIDER_INFO_BYTES) continue
    kept[key] = value
    bytes += size
  }
  return kept
}
