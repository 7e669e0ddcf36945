/** Helpers for turning a provider's user information into the router's provider profile. */

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Only https:// URLs: the profile promises an avatar the app's pages can show without mixed content. */
export function httpsUrl(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('https://') && URL.canParse(value) ? value : undefined
}

/** The fields that have a value: the profile leaves out what the provider did not say. */
export function definedFields<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>
}
