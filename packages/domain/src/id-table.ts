//! A set of identifiers numbered 0, 1, ... in the order they were added, kept outside the JavaScript heap.

/** Bytes of identifier text to start with (they double as needed). */
const INITIAL_BYTES = 16 * 1024;
const INITIAL_IDS = 1024;

/**
 * The identifiers of one region's spending items, each numbered by the order it came in (its slot), with the slot of
 * an identifier found in constant time.
 *
 * A `Map<string, number>` costs a string and a hash-table entry on the heap per id (some 70 bytes, which the garbage
 * collector then traces and keeps headroom for). Here an id costs its characters as bytes in one buffer, its start
 * and hash (8 bytes) and 2-4 slots of an open-addressing table (4 bytes each), all in typed arrays that the collector
 * does not look into.
 *
 * Identifiers are Latin-1 text (CONTRACT section 1 allows only ASCII letters, digits and `._:-`); a character beyond
 * U+00FF is refused rather than stored lossily. The hash is seeded per table, so no file of chosen ids can make every
 * lookup probe the whole table.
 */
export class IdTable {
  private text = new Uint8Array(INITIAL_BYTES);
  /** `starts[slot]` is where the slot's id begins in `text`; `starts[size]` is where the next one will. */
  private starts = new Uint32Array(INITIAL_IDS + 1);
  private hashes = new Uint32Array(INITIAL_IDS);
  /** Open addressing with linear probing: slot + 1 at each used place, 0 at a free one; at most half full. */
  private table = new Int32Array(INITIAL_IDS * 2);
  private count = 0;
  private readonly seed: number;

  // The last lookup, so `add` right after a `find` of the same id (deciding, then evolving) does not probe again.
  private lastId: string | undefined;
  private lastHash = 0;
  private lastPlace = 0;
  private lastSlot = -1;

  constructor(seed: number = Math.floor(Math.random() * 0x1_0000_0000)) {
    this.seed = seed >>> 0;
  }

  get size(): number {
    return this.count;
  }

  /** The slot of an id, or -1. */
  find(id: string): number {
    this.locate(id);
    return this.lastSlot;
  }

  /** Adds an id in the next slot and returns that slot; -1 (and no change) when the id is already there. */
  add(id: string): number {
    this.locate(id);
    if (this.lastSlot !== -1) return -1;
    const slot = this.count;
    if (slot + 1 > this.table.length >>> 1) {
      this.growTable();
      this.locate(id);
    }
    if (slot === this.hashes.length) this.growIds();
    const start = this.starts[slot] ?? 0;
    const end = start + id.length;
    if (end > this.text.length) this.growText(end);
    const text = this.text;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      // Nothing is changed yet but spare capacity: the id is not counted until `count` moves.
      if (code > 0xff) throw new RangeError(`identifier ${JSON.stringify(id)} has a character beyond U+00FF`);
      text[start + i] = code;
    }
    this.starts[slot + 1] = end;
    this.hashes[slot] = this.lastHash;
    this.table[this.lastPlace] = slot + 1;
    this.count = slot + 1;
    this.lastId = undefined;
    return slot;
  }

  /** The id in a slot. */
  idAt(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.count)
      throw new RangeError(`no id in slot ${slot}`);
    const start = this.starts[slot] ?? 0;
    const end = this.starts[slot + 1] ?? 0;
    return String.fromCharCode(...this.text.subarray(start, end));
  }

  /** Sets lastHash, lastSlot (or -1) and lastPlace: where the id is, or the free place where it would go. */
  private locate(id: string): void {
    if (id === this.lastId) return;
    const hash = idHash(id, this.seed);
    const { table, hashes, starts, text } = this;
    const mask = table.length - 1;
    const length = id.length;
    let place = hash & mask;
    let slot = -1;
    for (;;) {
      const entry = table[place] ?? 0;
      if (entry === 0) break;
      const candidate = entry - 1;
      if (hashes[candidate] === hash) {
        const start = starts[candidate] ?? 0;
        if ((starts[candidate + 1] ?? 0) - start === length) {
          let i = 0;
          while (i < length && text[start + i] === id.charCodeAt(i)) i++;
          if (i === length) {
            slot = candidate;
            break;
          }
        }
      }
      place = (place + 1) & mask;
    }
    this.lastId = id;
    this.lastHash = hash;
    this.lastPlace = place;
    this.lastSlot = slot;
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.count; slot++) {
      let place = (this.hashes[slot] ?? 0) & mask;
      while (table[place] !== 0) place = (place + 1) & mask;
      table[place] = slot + 1;
    }
    this.table = table;
    this.lastId = undefined;
  }

  private growIds(): void {
    const hashes = new Uint32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const starts = new Uint32Array(hashes.length + 1);
    starts.set(this.starts);
    this.starts = starts;
  }

  private growText(atLeast: number): void {
    let length = this.text.length * 2;
    while (length < atLeast) length *= 2;
    const text = new Uint8Array(length);
    text.set(this.text.subarray(0, this.starts[this.count] ?? 0));
    this.text = text;
  }
}

/**
 * FNV-1a over the characters from a seeded basis, then MurmurHash3's finaliser to spread it over the low bits. A character
 * beyond U+00FF hashes too: such an id is never stored (`add` refuses it), so `find` of it compares and misses.
 */
export function idHash(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
