//! Injection tokens and small HTTP error types shared by the controllers.
import { BadRequestException } from '@nestjs/common';

export const STORE = Symbol('BudgetStore');

/** 400 with the body given as is (the contract's `{"errors": [...]}`), or a message. */
export class BadRequestBody extends BadRequestException {
  constructor(body: string | object) {
    super(typeof body === 'string' ? { error: 'bad-request', message: body } : body);
  }
}
