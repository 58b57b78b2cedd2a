//! Every request but GET /health needs a bearer token from the tokens file (CONTRACT section 8).
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import type { TokenEntry } from '@budget/application';
import { TokenRegistry } from './tokens.service';

export const TOKEN_REGISTRY = Symbol('TokenRegistry');

export type AuthenticatedRequest = Request & { token: TokenEntry };

/** RFC 6750: the scheme name in any case (RFC 9110 makes it case-insensitive), then the token (token68 syntax). */
const BEARER = /^bearer +([A-Za-z0-9._~+/=-]{1,512})$/i;

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    const entry = match?.[1] === undefined ? undefined : this.tokens.find(match[1]);
    if (entry === undefined) {
      throw new UnauthorizedException({
        error: 'unauthorized',
        message: 'send Authorization: Bearer <token> with a known token',
      });
    }
    (request as AuthenticatedRequest).token = entry;
    return true;
  }
}
