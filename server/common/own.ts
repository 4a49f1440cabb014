// Plain objects keyed by what users write (tracker headings, tracker values) are saved as
// JSON, so they stay objects: read and written only as their own properties, so that a
// heading such as "__proto__", "toString" or "constructor" is an ordinary key.

/** The object's own value for `key`, or undefined (never an inherited one). */
export function ownValue<T>(obj: Record<string, T> | null | undefined, key: string): T | undefined {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets the object's own property `key` ("__proto__" included: it never changes the prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
