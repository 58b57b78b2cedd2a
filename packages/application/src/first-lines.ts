//! What an import remembers of ids repeated within its input: each id's first line and a digest of its content.
import { contentDigest } from '@budget/domain';
import type { LineError } from './ports';

/** One key for an event id within its region's log (ids are unique per region): for maps over several regions. */
export function eventKey(region: string, id: string): string {
  return `${region}\u0000${id}`;
}

/** The `conflicting-id` refusal of a line whose id is already in `where` with other content. */
export function conflictingId(line: number, id: string, where: string): LineError {
  return {
    line,
    issues: [
      {
        reason: 'conflicting-id',
        field: 'id',
        detail: `${id} is already in ${where} with different content`,
      },
    ],
  };
}

/**
 * Each id's first line in an input, with a 16-byte digest of its content (`contentDigest`) instead of the content, so
 * that a large input's ids stay small. A later line with the same id repeats it exactly when the digests match.
 */
export class FirstLines {
  private readonly first = new Map<string, { line: number; digest: string }>();

  /** The first line remembered for this id, and whether `content` is the same as that line's; undefined if none. */
  compare(region: string, id: string, content: string): { line: number; same: boolean } | undefined {
    const earlier = this.first.get(eventKey(region, id));
    return earlier === undefined
      ? undefined
      : { line: earlier.line, same: earlier.digest === contentDigest(content) };
  }

  remember(region: string, id: string, line: number, content: string): void {
    this.first.set(eventKey(region, id), { line, digest: contentDigest(content) });
  }

  /** `compare`, remembering the line when its id is new. */
  seen(
    region: string,
    id: string,
    line: number,
    content: string,
  ): { line: number; same: boolean } | undefined {
    const earlier = this.compare(region, id, content);
    if (earlier === undefined) this.remember(region, id, line, content);
    return earlier;
  }
}
