//! The lines of an events request body, for POST /api/v1/events and its dry run alike.
import type { Request } from 'express';
import { isUtf8 } from 'node:buffer';
import { decodeLines, lineErrorsBody } from '@budget/application';
import { NOT_UTF8_ISSUE } from '@budget/domain';
import { MAX_KEPT_VIEWS } from './region-views';
import { BadRequestBody, TooMuchInRequest } from './tokens';

/**
 * The most lines (empty ones too) or array elements one request may hold, for a body limit: one per 64 bytes of it,
 * and at least 200,000. An event line is over 100 bytes, so a body of events within the limit never reaches it;
 * what does is mostly lines that are not events, each of which would be validated and listed (4 million
 * one-character lines held the server for 14 s). The default limit of 32 MiB takes 524,288 lines. More events go
 * in more requests, or through `budget import`.
 */
export function maxRequestLines(maxBodyBytes: number): number {
  return Math.max(200_000, Math.ceil(maxBodyBytes / 64));
}

/** A dry run answers per line; longer inputs are for `budget import`. */
export const MAX_DRY_RUN_LINES = 100_000;

/** The most regions one request may send events for (each costs the server a region state to decide them on). */
export const MAX_REQUEST_REGIONS = 1_000;

/**
 * The most regions one dry run may try events on: each is decided on a copy of the region's view, which is rebuilt
 * from the region's whole history when it is not among the views kept (64), so a dry run over many regions cost as
 * much as reading the whole store. The web app's dry runs are of one region.
 */
export const MAX_DRY_RUN_REGIONS = MAX_KEPT_VIEWS;

function tooManyLines(count: number, maxLines: number): TooMuchInRequest {
  return new TooMuchInRequest(
    'too-many-lines',
    `the request holds ${String(count)} lines; one request takes at most ${String(maxLines)}: send the events in parts, or use budget import`,
  );
}

/** The number of lines of a body, counted before it is split (a split of millions of empty lines costs as much). */
function lineCount(body: string | Buffer): number {
  let count = 1;
  if (typeof body === 'string') {
    for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) count += 1;
  } else {
    for (let at = body.indexOf(0x0a); at !== -1; at = body.indexOf(0x0a, at + 1)) count += 1;
  }
  return count;
}

/** 400 `too-many-regions` for a request, or for a dry run, which takes fewer regions. */
export function tooManyRegions(of: 'request' | 'dry run' = 'request'): BadRequestBody {
  const max = of === 'dry run' ? MAX_DRY_RUN_REGIONS : MAX_REQUEST_REGIONS;
  return new BadRequestBody({
    error: 'too-many-regions',
    message: `one ${of} may send events for at most ${String(max)} regions: send the events in parts`,
  });
}

/** What the request says its body is: JSON (`application/json` or a `+json` type), NDJSON, or something else. */
export type BodyKind = 'json' | 'ndjson' | 'other';

export function bodyKind(request: Request): BodyKind {
  if (typeof request.is(['json', '+json']) === 'string') return 'json';
  return typeof request.is(['application/x-ndjson']) === 'string' ? 'ndjson' : 'other';
}

/**
 * The body's lines, each to be validated as a line of an event file. The events endpoints receive their body as text
 * whatever its type (see `isEventsRequest` in app.ts):
 * - a body that parses as a JSON array, sent as JSON or with a type that is neither JSON nor NDJSON (clients and
 *   tools often send JSON as text/plain or with no type): each element is one line (line n = element n). A body
 *   sent as NDJSON is read as `budget import` reads a file, so an array there is a malformed line;
 * - a JSON body (`application/json`) that parses as one object: that one event record (line 1), as the same
 *   object sent as NDJSON would be, also when it spans lines;
 * - a JSON body that parses as anything else: refused as a whole (400, in the shape of malformed lines);
 * - any other body, and a JSON body that does not parse (NDJSON sent as JSON, say): NDJSON, split at "\n" with a
 *   "\r" before it dropped, as `budget import` reads a file, so each line that is not JSON is named by its number.
 * No body at all is no lines, as an empty file is. A body that is not UTF-8 is read line by line, each line that is
 * not UTF-8 refused as `bad-encoding` (`decodeLine`); a JSON one is refused as a whole.
 */
export function bodyLines(raw: unknown, kind: BodyKind, maxLines: number): string[] {
  const json = kind === 'json';
  if (raw === undefined || raw === null) return [];
  if (Buffer.isBuffer(raw)) {
    // A byte-order mark, as spreadsheet programs write, is not part of the first record (as `budget import` reads it).
    const bytes = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? raw.subarray(3) : raw;
    if (!isUtf8(bytes)) {
      if (json) return notUtf8();
      const count = lineCount(bytes);
      if (count > maxLines) throw tooManyLines(count, maxLines);
      return decodeLines(bytes);
    }
    return bodyLines(bytes.toString('utf8'), kind, maxLines);
  }
  if (typeof raw !== 'string') throw new BadRequestBody('the request body could not be read as text');
  const body = raw;
  if (json || (kind === 'other' && body.trimStart().startsWith('['))) {
    // Counted before JSON.parse: a body of millions of small elements costs seconds and a gigabyte to parse.
    const elements = topLevelElements(body);
    if (elements > maxLines) throw tooManyLines(elements, maxLines);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      if (error instanceof RangeError) throw nestedTooDeeply();
      parsed = undefined;
    }
    if (Array.isArray(parsed)) return parsed.map((element) => stringified(element));
    if (!json) return ndjsonLines(body, maxLines);
    if (typeof parsed === 'object' && parsed !== null) return [stringified(parsed)];
    if (parsed !== undefined) {
      // Built as every other malformed line's entry is, so its detail reads the same ("wrong-type: ...").
      throw new BadRequestBody(
        lineErrorsBody([
          {
            line: 1,
            issues: [
              {
                reason: 'wrong-type',
                field: '',
                detail:
                  'a JSON body must be an event record or an array of them; send NDJSON (application/x-ndjson) for one per line',
              },
            ],
          },
        ]),
      );
    }
  }
  return ndjsonLines(body, maxLines);
}

/**
 * The number of elements of a body that is a JSON array (its top-level commas, plus one when it holds anything),
 * by a scan that knows strings and their escapes; 0 for a body that does not begin with `[`. Not a validation: a
 * body that is no JSON gets a count that only bounds the work, and JSON.parse judges it after.
 */
export function topLevelElements(body: string): number {
  let i = 0;
  while (i < body.length && (body[i] === ' ' || body[i] === '\t' || body[i] === '\n' || body[i] === '\r'))
    i++;
  if (body[i] !== '[') return 0;
  let depth = 0;
  let commas = 0;
  let any = false;
  let inString = false;
  for (; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      if (depth === 1) any = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (depth === 1) any = true;
      depth++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (depth === 1) {
      if (c === 0x2c) commas++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) any = true;
    }
  }
  return any ? commas + 1 : 0;
}

/** A parsed element as a line; JSON nested so deeply that it cannot be written again is refused (400 `bad-body`). */
function stringified(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) throw nestedTooDeeply();
    throw error;
  }
}

function nestedTooDeeply(): BadRequestBody {
  return new BadRequestBody({
    error: 'bad-body',
    message: 'the JSON body is nested too deeply to be read; an event record nests a few levels at most',
  });
}

function ndjsonLines(body: string, maxLines: number): string[] {
  if (body === '') return [];
  const count = lineCount(body);
  if (count > maxLines) throw tooManyLines(count, maxLines);
  return body.split(/\r?\n/);
}

/** A JSON body that is not UTF-8 cannot be split into records without guessing: refused as a whole. */
function notUtf8(): never {
  throw new BadRequestBody(lineErrorsBody([{ line: 1, issues: [NOT_UTF8_ISSUE] }]));
}
