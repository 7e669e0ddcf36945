/**
 * The SMS code field as apps send it: the 6-digit text, or a number (123456), whose leading zeros
 * `codeText` gives back. Shared by the client and phone APIs.
 */
import Joi from 'joi'

export const smsCodeSchema = Joi.alternatives(Joi.string().min(1).max(64), Joi.number().integer().min(0).max(999_999))

/** The code as the 6-digit text that was sent. */
export function codeText(value: string | number): string {
  return typeof value === 'number' ? String(value).padStart(6, '0') : value
}
