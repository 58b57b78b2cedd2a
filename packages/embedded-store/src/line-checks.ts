//! What an import compares a valid line with before deciding it: the log's record of the same id, if any.
import { eventContent, type BudgetEvent } from '@budget/domain';

/** The columns of an `events` row that make up its event. */
export interface StoredEvent {
  id: string;
  region: string;
  type: string;
  occurred_at: string;
  actor: string;
  data: string;
}

/** The canonical JSON of a stored event: equal to a line's content exactly when the line re-sends that event. */
export function storedContent(row: StoredEvent): string {
  const { id, region, type, occurred_at: occurredAt, actor } = row;
  return eventContent({
    id,
    region,
    type,
    occurredAt,
    actor,
    data: JSON.parse(row.data) as unknown,
  } as BudgetEvent);
}

/**
 * The input line each position appended by one import to one region's log came from: 4 bytes a record, so that a
 * conflicting repeat can name the earlier line without the import keeping the lines.
 */
export class AppendedLines {
  private lines = new Int32Array(1024);
  private count = 0;

  /** @param firstPosition the first position this import appends to the region's log */
  constructor(private readonly firstPosition: number) {}

  add(position: number, line: number): void {
    if (position !== this.firstPosition + this.count)
      throw new Error(`position ${position} appended out of order`);
    if (this.count === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.count++] = line;
  }

  /** The line the record at `position` came from, or undefined when this import did not append it. */
  lineOf(position: number): number | undefined {
    const index = position - this.firstPosition;
    return index >= 0 && index < this.count ? this.lines[index] : undefined;
  }
}
