//! Maps errors to HTTP: users' errors to 4xx with their stable code, everything else to 500 without details.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { UserError } from '@budget/application';

const STATUS: Record<UserError['code'], number> = {
  'unknown-region': 404,
  'position-out-of-range': 400,
  'store-busy': 503,
  'no-data': 404,
  'bad-argument': 400,
  'bad-file': 400,
  'conflicting-id-race': 409,
  // Received and durable, not yet processed: accepted for processing (RFC 9110 15.3.3), not "try again".
  'not-yet-processed': 202,
};

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      response.status(error.getStatus()).json(typeof body === 'string' ? { error: body } : body);
      return;
    }
    if (error instanceof UserError) {
      if (error.code === 'store-busy') response.setHeader('Retry-After', '1');
      response.status(STATUS[error.code]).json({ error: error.code, message: error.publicMessage });
      return;
    }
    this.logger.error({ err: error }, 'request failed');
    response.status(500).json({ error: 'internal', message: 'the server failed; see its log' });
  }
}
