//! Query parsing and the region and role checks shared by the endpoints the web app adds to section 8.
import { ForbiddenException } from '@nestjs/common';
import { z } from 'zod';
import { mayReadHistory, mayUseRegion, type TokenEntry } from '@budget/application';
import { IDENTIFIER_PATTERN } from '@budget/domain';
import { BadRequestBody } from './tokens';

export const identifier = z
  .string()
  .regex(IDENTIFIER_PATTERN, 'must be an identifier of 1-64 [A-Za-z0-9._:-]');

export const year = z
  .string()
  .regex(/^\d{4}$/, 'year must be a year from 2000 to 2100')
  .transform(Number)
  .pipe(z.number().min(2000, 'year must be from 2000').max(2100, 'year must be at most 2100'));

export const position = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})$/, 'asOfPosition must be a whole number from 0')
  .transform(Number);

export function parseQuery<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new BadRequestBody(
      result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  }
  return result.data;
}

export function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ error: 'forbidden', message });
}

/** The region named in the path, if this token may use it (403 otherwise). */
export function allowedRegion(token: TokenEntry, value: string): string {
  const name = parseQuery(identifier, value);
  if (!mayUseRegion(token, name)) throw forbidden(`this token may not read region ${name}`);
  return name;
}

/** Reading events one by one (history, provenance, chain checks) is for roles that may read history. */
export function requireHistoryReader(token: TokenEntry): void {
  if (!mayReadHistory(token.role)) throw forbidden(`the role ${token.role} may not read history`);
}
