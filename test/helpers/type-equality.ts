/**
 * Compile-time checks: `const check: Equal<A, B> = true` compiles only when A and B are the same
 * type (optional keys, `null` and `any` included).
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
