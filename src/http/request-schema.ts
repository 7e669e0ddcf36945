/**
 * Request schemas that carry the type of what they let through. Joi does not infer an object's
 * type from its keys; `object` does, from fields marked `required`, `optional` or `withDefault`.
 * What it builds is a plain Joi schema (descriptions, `.valid`, `.xor`, messages and all), which
 * the OpenAPI document reads as any other.
 */
import Joi from 'joi'

declare const presence: unique symbol
declare const shape: unique symbol

/** Whether a validated object always has the field (given, or defaulted) or may lack it. */
export type Presence = 'always' | 'maybe'

/** Marks a field's schema with its presence (a type only: nothing is added to the schema). */
export type Field<P extends Presence> = { readonly [presence]: P }

/** The type of the values a Joi schema lets through (Joi's own type parameter, as `validate` gives it). */
type ValueOf<S> = S extends { validate(value: unknown): infer R } ? (R extends { error: undefined; value: infer T } ? T : never) : never

type Shape<Keys> = Flat<
  { [K in keyof Keys as Keys[K] extends Field<'always'> ? K : never]: ValueOf<Keys[K]> } & {
    [K in keyof Keys as Keys[K] extends Field<'maybe'> ? K : never]?: ValueOf<Keys[K]>
  }
>
type Flat<T> = { [K in keyof T]: T[K] }

/** An object schema whose validated value has type T; the only kind `validate` takes. */
export type RequestSchema<T> = Joi.ObjectSchema<T> & { readonly [shape]: T }

export function object<Keys extends Record<string, Joi.AnySchema & Field<Presence>>>(keys: Keys): RequestSchema<Shape<Keys>> {
  return Joi.object(keys) as RequestSchema<Shape<Keys>>
}

/** A field the request must send. */
export function required<S extends Joi.AnySchema>(schema: S): S & Field<'always'> {
  return schema.required() as S & Field<'always'>
}

/** A field the request may leave out (the schema as it is: Joi fields are optional already). */
export function optional<S extends Joi.AnySchema>(schema: S): S & Field<'maybe'> {
  return schema as S & Field<'maybe'>
}

/** A field left out is given `value`: the validated object always has it. */
export function withDefault<S extends Joi.AnySchema>(schema: S, value: ValueOf<S>): S & Field<'always'> {
  return schema.default(value) as S & Field<'always'>
}

/** The schema, also letting `null` through. */
export function nullable<T>(schema: Joi.AnySchema<T>): Joi.AnySchema<T | null> {
  return schema.allow(null)
}

/**
 * One field under a name chosen at run time (`{ [kind]: field }`), typed by that name. Given a union
 * of names, every one of them is typed present; the object has the one it was built with.
 */
export function named<K extends string, F>(name: K, field: F): { [P in K]: F } {
  return { [name]: field } as { [P in K]: F }
}
