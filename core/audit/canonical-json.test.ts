import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it.each([
    { name: 'sorts keys at every depth', value: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, json: '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}' },
    { name: 'no whitespace, omits undefined members', value: { a: undefined, b: 'x y' }, json: '{"b":"x y"}' },
    { name: 'numbers as ECMAScript prints them (RFC 8785 3.2.2.3)', value: [1e21, 1e-7, 0.1, -0, 100, 1.5], json: '[1e+21,1e-7,0.1,0,100,1.5]' },
    { name: 'minimal string escapes, non-ASCII kept', value: ['é€😀', 'line\nbreak "q" \\', '\u0001'], json: '["é€😀","line\\nbreak \\"q\\" \\\\","\\u0001"]' },
    { name: 'keys in UTF-16 code unit order (RFC 8785 3.2.3)', value: { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, 'ö': 5 }, json: '{"\\r":2,"1":4,"ö":5,"€":1,"😀":3}' },
  ])('$name', ({ value, json }) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it.each([
    { name: 'NaN', value: Number.NaN },
    { name: 'Infinity', value: { a: Number.POSITIVE_INFINITY } },
    { name: 'bigint', value: 1n },
    { name: 'Date', value: { at: new Date(0) } },
    { name: 'undefined in an array', value: [undefined] },
    { name: 'function', value: () => 1 },
  ])('refuses $name', ({ value }) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('is stable under key order and a JSON round trip, and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
        expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });
});
