//! Which ids an import may have appended already, for a region whose log was empty when the import began on it.

/**
 * At least this many bits per id (a filter's bits are a power of two), and probes per id: under 1% of the ids not
 * added answer "maybe" from a full filter (Bloom's bound for these two).
 */
const BITS_PER_ID = 10;
const PROBES = 7;
/** The first filter: 4,096 ids in 8 KiB, so that a region with few events costs little (a file may hold many). */
const FIRST_CAPACITY = 1 << 12;
/** Each next filter holds this many times as many ids: five filters, the last 2 MiB, hold 1,000,000. */
const GROWTH = 4;

/** One filter of a fixed capacity (a Bloom filter: no false "no", a few false "maybe"). */
class Filter {
  readonly bits: Uint32Array;
  private readonly mask: number;
  count = 0;

  constructor(readonly capacity: number) {
    // A power of two of at least BITS_PER_ID bits per id, so that a probe's bit is an AND away.
    let size = 32;
    while (size < capacity * BITS_PER_ID) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
    this.count += 1;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if (((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * The ids an import appended to one region's log, for a log that was empty when the import began on it: such a
 * log can hold an id only if this import appended it, so an id this says is new needs no look-up in the store (a
 * look-up per line was about a tenth of the deciding thread's time on a large import). `mayHold` never says no to
 * an id that was added; it says yes to a few percent of the others at most, which the caller then looks up. Memory:
 * 10-20 bits an id, in filters that grow fourfold in capacity as the ids grow in number, so the import does not
 * need to know how many lines it has. The hashes are not keyed (unlike `IdTable`'s): ids chosen to collide can only make more of
 * them "maybe", each then looked up, never give a wrong answer.
 */
export class NewIds {
  private readonly filters: Filter[] = [new Filter(FIRST_CAPACITY)];
  /** The id `mayHold` was last asked about, and its hashes, which `add` of the same id reuses. */
  private lastId: string | undefined;
  private lastH1 = 0;
  private lastH2 = 0;

  add(id: string): void {
    if (id !== this.lastId) this.hash(id);
    let last = this.filters[this.filters.length - 1] as Filter;
    if (last.count >= last.capacity) {
      last = new Filter(last.capacity * GROWTH);
      this.filters.push(last);
    }
    last.add(this.lastH1, this.lastH2);
  }

  /** False when `id` was certainly never added; true when it was, and for about 1% of the ids that were not. */
  mayHold(id: string): boolean {
    this.hash(id);
    for (const filter of this.filters) if (filter.has(this.lastH1, this.lastH2)) return true;
    return false;
  }

  private hash(id: string): void {
    const [h1, h2] = hashes(id);
    this.lastId = id;
    this.lastH1 = h1;
    this.lastH2 = h2;
  }
}

const pair: [number, number] = [0, 0];

/**
 * Two 32-bit hashes of a string's UTF-16 code units (FNV-1a, and FNV-1a from another basis with murmur3's final
 * mix); probe i of a filter is h1 + i * h2 (Kirsch and Mitzenmacher). h2 is odd, so the probes of one id differ.
 * Returns the same array each call: read it before the next.
 */
function hashes(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
  }
  b ^= b >>> 16;
  b = Math.imul(b, 0x85ebca6b);
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  pair[0] = a >>> 0;
  pair[1] = (b | 1) >>> 0;
  return pair;
}
