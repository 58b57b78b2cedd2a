//! Test input: bytes delivered in chunks, as a stream of Buffers would deliver them.

/** The bytes cut at `cuts` (taken modulo the length), as a stream of Buffers would deliver them. */
export function chunked(bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    parts.push(Buffer.from(bytes.subarray(start, cut)));
    start = cut;
  }
  parts.push(Buffer.from(bytes.subarray(start)));
  return (async function* () {
    for (const part of parts) yield await Promise.resolve(part);
  })();
}
