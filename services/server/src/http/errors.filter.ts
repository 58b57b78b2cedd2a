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
  // The server's own store cannot be read: its fault, not the client's.
  'store-unreadable': 500,
};

/**
 * A request body the body parser refused (an `http-errors` error with a 4xx status it may show): too large (413,
 * `body-too-large`), in a content encoding it cannot decode (415, `unsupported-encoding`), or not readable (a gzip
 * body that is not gzip, a length that does not match: its status, `bad-body`). Else undefined.
 */
export function bodyError(error: unknown): { status: number; code: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type, expose, limit, message } = error as Record<string, unknown>;
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  if (type === 'entity.too.large')
    return {
      status: 413,
      code: 'body-too-large',
      message: `the request body is larger than ${typeof limit === 'number' ? `${String(limit)} bytes` : 'the limit'}: send the events in smaller parts`,
    };
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return { status: 415, code: 'unsupported-encoding', message: String(message) };
  return { status, code: 'bad-body', message: `the request body could not be read: ${String(message)}` };
}

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
    const refused = bodyError(error);
    if (refused !== undefined) {
      response.status(refused.status).json({ error: refused.code, message: refused.message });
      return;
    }
    this.logger.error({ err: error }, 'request failed');
    response.status(500).json({ error: 'internal', message: 'the server failed; see its log' });
  }
}
