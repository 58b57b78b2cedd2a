//! The sequencer's memory of a region's log: each event id with the digest of its content, outside the heap.
import { contentDigest, grown, IdTable } from '@budget/domain';

/** Characters of a `contentDigest` (base64 of 16.5 bytes of SHA-256). */
const WIDTH = contentDigest('').length;

/**
 * Every event id of one region's log with its content digest, for telling a re-sent event (same digest: nothing to
 * do) from a conflicting one (another digest: dead letter). A `Map` of id and digest strings cost some 110 bytes of
 * heap an event, which a sequencer running for years holds for every event it ever decided; here an event costs its
 * id's characters, the digest's 22 and about 16 bytes of table, in typed arrays.
 */
export class DigestIndex {
  private readonly ids = new IdTable();
  private digests = new Uint8Array(1024 * WIDTH);

  get size(): number {
    return this.ids.size;
  }

  /** Whether the id is known with this digest (true), with another (false), or not at all (undefined). */
  matches(id: string, digest: string): boolean | undefined {
    const slot = this.ids.find(id);
    if (slot === -1) return undefined;
    if (digest.length !== WIDTH) return false;
    const start = slot * WIDTH;
    for (let i = 0; i < WIDTH; i++) if (this.digests[start + i] !== digest.charCodeAt(i)) return false;
    return true;
  }

  /** Adds an id with its digest; false (and no change) when the id is already there. */
  add(id: string, digest: string): boolean {
    if (digest.length !== WIDTH || !/^[A-Za-z0-9+/]+$/.test(digest))
      throw new RangeError(`not a content digest: ${JSON.stringify(digest)}`);
    const slot = this.ids.add(id);
    if (slot === -1) return false;
    if ((slot + 1) * WIDTH > this.digests.length) this.digests = grown(this.digests, (slot + 1) * WIDTH);
    for (let i = 0; i < WIDTH; i++) this.digests[slot * WIDTH + i] = digest.charCodeAt(i);
    return true;
  }
}
