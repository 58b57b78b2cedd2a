//! Every request but GET /health needs a bearer token from the tokens file (CONTRACT section 8).
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { TokenEntry } from '@budget/application';
import { TokenRegistry, TokensUnavailable } from './tokens.service';

export const TOKEN_REGISTRY = Symbol('TokenRegistry');

export type AuthenticatedRequest = Request & { token: TokenEntry };

/** RFC 6750: the scheme name in any case (RFC 9110 makes it case-insensitive), then the token (token68 syntax). */
const BEARER = /^bearer +([A-Za-z0-9._~+/=-]{1,512})$/i;

const UNAUTHORIZED = {
  error: 'unauthorized',
  message: 'send Authorization: Bearer <token> with a known token',
} as const;

/** The entry of the request's bearer token, or undefined when it sends none or one the tokens file does not know. */
function tokenEntry(request: Request, tokens: TokenRegistry): TokenEntry | undefined {
  const match = BEARER.exec(request.headers.authorization ?? '');
  return match?.[1] === undefined ? undefined : tokens.find(match[1]);
}

/**
 * Express middleware, before the body parsers: a request to the API (`/api/v1/...`, but its health check) without a
 * known token gets its 401 before its body is read, so a body that is too large or cannot be decoded is never the
 * answer to a client that is not let in. The guard below still decides every request; this only answers first.
 */
export function unauthorizedFirst(
  tokens: TokenRegistry,
): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    // The path as Express routes it (also for a request target in absolute form), in lower case as it matches.
    const path = request.path.toLowerCase();
    const open = !path.startsWith('/api/v1/') || path === '/api/v1/health' || path === '/api/v1/health/';
    if (open) {
      next();
      return;
    }
    let entry: TokenEntry | undefined;
    try {
      entry = tokenEntry(request, tokens);
    } catch (error) {
      if (!(error instanceof TokensUnavailable)) throw error;
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    if (entry !== undefined) {
      next();
      return;
    }
    response.status(401).json(UNAUTHORIZED);
  };
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    // A TokensUnavailable thrown here is a 503 already (the errors filter answers it as it is).
    const entry = tokenEntry(request, this.tokens);
    if (entry === undefined) throw new UnauthorizedException(UNAUTHORIZED);
    (request as AuthenticatedRequest).token = entry;
    return true;
  }
}
