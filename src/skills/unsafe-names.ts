// Property names that reach an object's prototype machinery rather than its data (`constructor` leads to
// Function, `__proto__` to Object.prototype, `__defineGetter__` rewrites properties). No input or step may be
// called so, no given input may use one, and no template may name one: checked before anything is sent.
export const UNSAFE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function isUnsafeName(name: string): boolean {
  return UNSAFE_NAMES.has(name);
}
