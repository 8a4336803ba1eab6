/**
 * Canonical JSON after RFC 8785 (JSON Canonicalization Scheme): object members sorted by the
 * UTF-16 code units of their names, no whitespace, strings and numbers serialized as ECMAScript's
 * `JSON.stringify` does (RFC 8785 §3.2.2 adopts exactly that: shortest round-trip numbers, `-0` as
 * `0`, minimal string escapes). The same value always yields the same bytes, so a hash over it is
 * stable across processes, versions of this code and a MariaDB JSON round trip.
 * @module
 */

/**
 * Serializes `value` canonically. Object members whose value is `undefined` are omitted (as
 * `JSON.stringify` does); everything else must be JSON data.
 * @throws TypeError on a non-finite number, a bigint, a function, a symbol, `undefined` inside an
 *   array, or an object that is not plain (Date, Map, class instance): the hash chain must never
 *   depend on a lossy conversion.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${String(value)}`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value
          .map((v: unknown) => {
            if (v === undefined) throw new TypeError('canonicalJson: undefined inside an array');
            return canonicalJson(v);
          })
          .join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError('canonicalJson: only plain objects, arrays and JSON primitives are allowed');
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is RFC 8785 §3.2.3's member order.
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${typeof value} is not JSON data`);
  }
}
