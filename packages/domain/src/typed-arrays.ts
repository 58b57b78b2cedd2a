//! Typed arrays that grow: the columns the state keeps outside the JavaScript heap.

type Column = Uint8Array | Uint32Array | Int32Array | BigInt64Array;

/**
 * A copy of a typed array of the same kind, with its length doubled as often as it takes to hold `atLeast` elements
 * (one more than it has, by default), the old elements first and the rest zero.
 */
export function grown<A extends Column>(array: A, atLeast: number = array.length + 1): A {
  let length = Math.max(1, array.length * 2);
  while (length < atLeast) length *= 2;
  const copy = new (array.constructor as new (length: number) => A)(length);
  (copy as Uint8Array).set(array as Uint8Array);
  return copy;
}
