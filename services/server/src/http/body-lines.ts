//! The lines of an events request body, for POST /api/v1/events and its dry run alike.
import { BadRequestBody } from './tokens';

/**
 * NDJSON text split at "\n" (a "\r" before it dropped), as `budget import` reads a file (the body parser has already
 * dropped a byte-order mark), or each element of a JSON array as one line.
 */
export function bodyLines(body: unknown): string[] {
  if (typeof body === 'string') return body.split(/\r?\n/);
  if (Array.isArray(body)) return body.map((element) => JSON.stringify(element));
  throw new BadRequestBody('send application/x-ndjson, or application/json with an array of event records');
}
