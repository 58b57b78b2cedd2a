//! The lines of an events request body, for POST /api/v1/events and its dry run alike.
import type { Request } from 'express';
import { lineErrorsBody } from '@budget/application';
import { BadRequestBody } from './tokens';

/** Whether the request says its body is JSON (`application/json` or a `+json` type). */
export function isJsonBody(request: Request): boolean {
  return typeof request.is(['json', '+json']) === 'string';
}

/**
 * The body's lines, each to be validated as a line of an event file. The events endpoints receive their body as text
 * whatever its type (see `isEventsRequest` in app.ts):
 * - a JSON body (`application/json`) that parses as an array: each element is one line (line n = element n);
 * - a JSON body that parses as anything else: refused as a whole (400, in the shape of malformed lines);
 * - any other body, and a JSON body that does not parse (NDJSON sent as JSON, say): NDJSON, split at "\n" with a
 *   "\r" before it dropped, as `budget import` reads a file, so each line that is not JSON is named by its number.
 * No body at all is no lines, as an empty file is.
 */
export function bodyLines(body: unknown, json: boolean): string[] {
  if (body === undefined || body === null) return [];
  if (typeof body !== 'string') throw new BadRequestBody('the request body could not be read as text');
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (Array.isArray(parsed)) return parsed.map((element) => JSON.stringify(element));
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
                  'a JSON body must be an array of event records; send NDJSON (application/x-ndjson) for one per line',
              },
            ],
          },
        ]),
      );
    }
  }
  return body === '' ? [] : body.split(/\r?\n/);
}
