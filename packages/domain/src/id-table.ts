//! A set of identifiers numbered 0, 1, ... in the order they were added, kept outside the JavaScript heap.
import { grown } from './typed-arrays';

/**
 * Bytes of identifier text and ids to start with (they double as needed). Small: every region's state has a table,
 * and a server may hold many regions with few items (a large region pays a few more doublings, once).
 */
const INITIAL_BYTES = 512;
const INITIAL_IDS = 32;

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
 * U+00FF is refused rather than stored lossily.
 *
 * The hash is simple tabulation hashing over random tables (`HashTables`): any two different ids of up to 64
 * characters collide with probability 2^-32 whatever they are, so a file of ids chosen to collide cannot be written
 * without knowing the process's tables (a seeded FNV-1a, tried first, let equal-length ids collide under every seed
 * with the same low byte). Only the speed depends on the tables, never a result.
 */
export class IdTable {
  private text = new Uint8Array(INITIAL_BYTES);
  /** `starts[slot]` is where the slot's id begins in `text`; `starts[size]` is where the next one will. */
  private starts = new Uint32Array(INITIAL_IDS + 1);
  private hashes = new Uint32Array(INITIAL_IDS);
  /** Open addressing with linear probing: slot + 1 at each used place, 0 at a free one; at most half full. */
  private table = new Int32Array(INITIAL_IDS * 2);
  private count = 0;
  private readonly tables: HashTables;

  // The last lookup, so `add` right after a `find` of the same id (deciding, then evolving) does not probe again.
  private lastId: string | undefined;
  private lastHash = 0;
  private lastPlace = 0;
  private lastSlot = -1;

  /** @param tables the hash's tables: the process's random ones, or `HashTables.seeded(n)` for a repeatable test */
  constructor(tables: HashTables = HashTables.random()) {
    this.tables = tables;
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
    // What the types say, checked: a number here would be stored as no characters and overwrite the next id's.
    if (typeof id !== 'string') throw new TypeError(`an identifier must be a string, not ${typeof id}`);
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
    if (end > 0xffff_ffff) throw new RangeError('the identifiers of one table exceed 4 GiB of text');
    if (end > this.text.length) this.text = grown(this.text, end);
    const text = this.text;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      // Nothing visible has changed yet (the capacity may have grown): the id counts once `count` moves.
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
    // Character by character: for ids this short, faster than a TextDecoder or a spread (measured: 60, 100, 310 ms
    // for a million).
    const text = this.text;
    let id = '';
    for (let i = start; i < end; i++) id += String.fromCharCode(text[i] ?? 0);
    return id;
  }

  /** Sets lastHash, lastSlot (or -1) and lastPlace: where the id is, or the free place where it would go. */
  private locate(id: string): void {
    if (id === this.lastId) return;
    const hash = this.tables.hash(id);
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
    this.hashes = grown(this.hashes);
    this.starts = grown(this.starts, this.hashes.length + 1);
  }
}

/** Characters hashed by position; the 65th and later reuse the tables from the first (ids have at most 64). */
const POSITIONS = 64;

/**
 * The tables of simple tabulation hashing: one random 32-bit word per (position, character code), XORed over an id's
 * characters. 64 KiB; the process's random tables are made once, from the platform's cryptographic random source.
 */
export class HashTables {
  private static shared: HashTables | undefined;

  private constructor(private readonly words: Uint32Array) {}

  /** The process's tables: unpredictable from outside, made on first use. */
  static random(): HashTables {
    if (HashTables.shared === undefined) {
      const words = new Uint32Array(POSITIONS * 256);
      // getRandomValues fills at most 64 KiB a call: exactly these tables.
      globalThis.crypto.getRandomValues(words);
      HashTables.shared = new HashTables(words);
    }
    return HashTables.shared;
  }

  /** Repeatable tables for tests, from a seed (splitmix32). */
  static seeded(seed: number): HashTables {
    const words = new Uint32Array(POSITIONS * 256);
    let state = seed >>> 0;
    for (let i = 0; i < words.length; i++) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      words[i] = (z ^ (z >>> 16)) >>> 0;
    }
    return new HashTables(words);
  }

  /**
   * The hash of an id. A character beyond U+00FF hashes as its low byte: such an id is never stored (`add` refuses
   * it), so `find` of it compares characters and misses.
   */
  hash(id: string): number {
    const words = this.words;
    let h = 0;
    for (let i = 0; i < id.length; i++)
      h ^= words[((i & (POSITIONS - 1)) << 8) | (id.charCodeAt(i) & 0xff)] ?? 0;
    return h >>> 0;
  }
}
