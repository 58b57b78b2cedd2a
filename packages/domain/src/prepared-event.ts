//! A valid event as a validating thread hands it to the thread that decides and appends it: one string, which is
//! cloned between threads several times faster than an object (or two strings), and read back by splitting it at
//! tabs instead of by JSON.parse, which builds the whole event and interns each of its short strings. On a
//! 1,000,000-event import, parsing the lines a second time was the deciding thread's largest cost after SQLite.
import { decisiveText, plain, readDecisiveText } from './decision-text';
import { flattened, recordCut } from './hash-chain';
import { decisiveData, decisiveFields, type BudgetEvent, type EventBody } from './schemas';

/** The text `prepareEvent` writes; only `readPreparedEvent` reads it. */
export type PreparedEventText = string & { readonly preparedEvent: unique symbol };

/** What deciding and appending an event read of it: its envelope and its decisive data (`decisiveData`). */
export type PreparedBody = EventBody & Pick<BudgetEvent, 'id' | 'region' | 'occurredAt' | 'actor'>;

export interface PreparedEvent {
  event: PreparedBody;
  /** The event's canonical JSON (`eventContent`), as `validateLine(line, { content: true })` gave it. */
  content: string;
  /** JSON.stringify of the event's data as given: what the log stores of it. */
  dataJson: string;
  /** Where the record's own fields go into `content` (`recordCut`, `spliceRecordJson`). */
  cut: number;
}

/**
 * The text for one valid event, `content` being its canonical JSON and `cut` its `recordCut`: found here when not
 * given, taken on trust when given (as `validateLine(line, { content: true })` returns it with the content). One
 * line of tab-separated fields (id, region, type, occurredAt, actor, the cut, the decisive data fields in
 * `DECISIVE_FIELDS` order, a year as digits, then the data as JSON), a newline, and the content. Any value that
 * would not come back the same that way (a tab in the actor's name, say) makes the first line a JSON array of the
 * envelope, the cut and the data's JSON instead, which starts with "[" where an identifier cannot. JSON text and
 * canonical JSON hold no raw newline.
 */
export function prepareEvent(
  event: BudgetEvent,
  content: string,
  cut: number | undefined = recordCut(event, content),
): PreparedEventText {
  if (cut === undefined) throw new Error(`the content given is not that of event ${event.id}`);
  const dataJson = JSON.stringify(event.data);
  const { id, region, type, occurredAt, actor } = event;
  const fields =
    plain(id) && plain(region) && plain(occurredAt) && plain(actor)
      ? decisiveText(decisiveFields(type) ?? [], event.data)
      : undefined;
  const line =
    fields === undefined
      ? JSON.stringify([id, region, type, occurredAt, actor, cut, dataJson])
      : `${id}\t${region}\t${type}\t${occurredAt}\t${actor}\t${cut}${fields}\t${dataJson}`;
  return flattened(`${line}\n${content}`) as PreparedEventText;
}

/** Reads what `prepareEvent` wrote. The data of a type whose data is read whole is parsed from its JSON. */
export function readPreparedEvent(text: PreparedEventText): PreparedEvent {
  const end = text.indexOf('\n');
  if (end < 0) throw new Error(`not a prepared event: ${text.slice(0, 80)}`);
  const content = text.slice(end + 1);
  if (text.startsWith('[')) {
    const [id, region, type, occurredAt, actor, cut, dataJson] = JSON.parse(text.slice(0, end)) as [
      string,
      string,
      BudgetEvent['type'],
      string,
      string,
      number,
      string,
    ];
    const data = decisiveData(type, JSON.parse(dataJson));
    const event = { id, region, type, occurredAt, actor, data } as PreparedBody;
    return { event, content, dataJson, cut };
  }
  const parts = text.slice(0, end).split('\t');
  const [id = '', region = '', type = '', occurredAt = '', actor = '', cut = ''] = parts;
  const fields = decisiveFields(type);
  const dataJson = parts[parts.length - 1] ?? '';
  if (parts.length !== 7 + (fields?.length ?? 0))
    throw new Error(`not a prepared event: ${text.slice(0, 80)}`);
  const data: unknown = fields === undefined ? JSON.parse(dataJson) : readDecisiveText(fields, parts, 6);
  const event = { id, region, type, occurredAt, actor, data } as PreparedBody;
  return { event, content, dataJson, cut: Number(cut) };
}
