//! Injection tokens and small HTTP error types shared by the controllers.
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

export const STORE = Symbol('BudgetStore');

/** What one request may hold: see `maxRequestLines` in body-lines.ts. */
export const REQUEST_LIMITS = Symbol('RequestLimits');
export interface RequestLimits {
  maxLines: number;
}

/** 400 with the body given as is (the contract's `{"errors": [...]}`), or a message. */
export class BadRequestBody extends BadRequestException {
  constructor(body: string | object) {
    super(typeof body === 'string' ? { error: 'bad-request', message: body } : body);
  }
}

/** 413 with a stable code: the request asks for more work than one request may (too many lines). */
export class TooMuchInRequest extends HttpException {
  constructor(code: string, message: string) {
    super({ error: code, message }, HttpStatus.PAYLOAD_TOO_LARGE);
  }
}
