//! Query parsing and the region and role checks shared by the HTTP endpoints (section 8 and the web app's).
import { ForbiddenException } from '@nestjs/common';
import { z } from 'zod';
import { mayReadHistory, mayUseRegion, type TokenEntry } from '@budget/application';
import { IDENTIFIER_PATTERN } from '@budget/domain';
import { BadRequestBody } from './tokens';

/**
 * What a query parameter's text must be, in messages `parseQuery` puts the parameter's name before: a missing one
 * "is required (a year from 2000 to 2100)", one given twice "must be given once (...)", a bad one "must be a year
 * from 2000 to 2100".
 */
function mustBe(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined
      ? `is required (${what})`
      : Array.isArray(issue.input)
        ? `must be given once (${what})`
        : `must be ${what}`;
}

/** One query (or path) parameter's text, described as `what` in its messages. */
export function queryText(what: string): z.ZodString {
  return z.string({ error: mustBe(what) });
}

/** One of a few words, named in the messages. */
export function queryChoice<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: mustBe(`one of ${values.join(', ')}`) });
}

const IDENTIFIER = 'an identifier of 1-64 [A-Za-z0-9._:-]';
export const identifier = queryText(IDENTIFIER).regex(IDENTIFIER_PATTERN, `must be ${IDENTIFIER}`);

const YEAR = 'a year from 2000 to 2100';
export const year = queryText(YEAR)
  .regex(/^\d{4}$/, `must be ${YEAR}`)
  .transform(Number)
  .pipe(z.number().min(2000, `must be ${YEAR}`).max(2100, `must be ${YEAR}`));

const POSITION = 'a whole number from 0';
export const position = queryText(POSITION)
  .regex(/^(0|[1-9]\d{0,14})$/, `must be ${POSITION}`)
  .transform(Number);

/** Where a history starts: positions start at 1 (CONTRACT section 5); 0 is refused, as `budget export` refuses it. */
const FROM_POSITION = 'a whole number from 1 (the first position; leave it out for the whole log)';
export const fromPosition = queryText(FROM_POSITION)
  .regex(/^[1-9]\d{0,14}$/, `must be ${FROM_POSITION}`)
  .transform(Number);

/**
 * Parses a query; a 400 names each parameter that is missing or bad, and what it must be, and each parameter the
 * endpoint does not take: a misspelt `asOfPositon` ignored would answer with the current report as if it were the
 * one asked for.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, value: unknown): z.output<S> {
  const known = Object.keys(schema.shape);
  const given = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const problems = given
    .filter((name) => !known.includes(name))
    .map((name) => `${name}: not a parameter of this request (it takes ${known.join(', ')})`);
  const result = schema.safeParse(value);
  if (!result.success)
    problems.push(...result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`));
  if (problems.length > 0 || !result.success) throw new BadRequestBody(problems.join('; '));
  return result.data;
}

export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ error: 'forbidden', message });
}

/** The region named in the path, if this token may use it (403 otherwise). */
export function allowedRegion(token: TokenEntry, value: string): string {
  const name = parseQuery(z.object({ region: identifier }), { region: value }).region;
  if (!mayUseRegion(token, name)) throw forbidden(`this token may not read region ${name}`);
  return name;
}

/** Reading events one by one (history, provenance, chain checks) is for roles that may read history. */
export function requireHistoryReader(token: TokenEntry): void {
  if (!mayReadHistory(token.role)) throw forbidden(`the role ${token.role} may not read history`);
}
