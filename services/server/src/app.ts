//! Builds the NestJS application: controllers over a BudgetStore, bearer-token auth, body limits, error mapping.
import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { BudgetStore } from '@budget/application';
import { buildWebApp, type WebAssets } from '@budget/web';
import { serveDocsAssets } from './http/api-docs';
import { AuthGuard, TOKEN_REGISTRY, unauthorizedFirst } from './http/auth.guard';
import { DocsController } from './http/docs.controller';
import { ErrorsFilter } from './http/errors.filter';
import { EventsController } from './http/events.controller';
import { HealthController } from './http/health.controller';
import { MeController } from './http/me.controller';
import { RegionDataController } from './http/region-data.controller';
import { REGION_VIEWS, RegionViews } from './http/region-views';
import { ReportsController } from './http/reports.controller';
import { REQUEST_LIMITS, STORE, type RequestLimits } from './http/tokens';
import { maxRequestLines } from './http/body-lines';
import { TokenRegistry } from './http/tokens.service';
import { ValidateController } from './http/validate.controller';
import { serveWebApp } from './http/web-app';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';

@Module({})
class ApiModule {
  static with(store: BudgetStore, tokens: TokenRegistry, limits: RequestLimits): DynamicModule {
    return {
      module: ApiModule,
      // ValidateController before EventsController: its path is longer, and both are POST.
      controllers: [
        HealthController,
        DocsController,
        ValidateController,
        EventsController,
        ReportsController,
        RegionDataController,
        MeController,
      ],
      providers: [
        { provide: STORE, useValue: store },
        { provide: REGION_VIEWS, useValue: new RegionViews(store) },
        { provide: TOKEN_REGISTRY, useValue: tokens },
        { provide: REQUEST_LIMITS, useValue: limits },
        AuthGuard,
      ],
    };
  }
}

export interface ServerParts {
  store: BudgetStore;
  /** Undefined: no tokens, so every /api/v1 request gets 401 (the engines mode without BUDGET_TOKENS_FILE). */
  tokensFile: string | undefined;
  maxBodyBytes: number;
  logger: Logger;
  /** The web app's files; built here when not given. */
  web?: WebAssets;
}

/**
 * POST /api/v1/events and its dry run, /api/v1/events/validate: the only requests whose body is read. The path is
 * Express's, the one the router matches and `unauthorizedFirst` checks, in lower case as routes match: a WHATWG URL
 * resolved `/x/../api/v1/events` and `\` to the events path, so such a body was read (and inflated) while the
 * token check, which saw another path, let the request through without one.
 */
function isEventsRequest(request: IncomingMessage): boolean {
  const path = (request as Request).path.toLowerCase();
  return path === '/api/v1/events' || path.startsWith('/api/v1/events/');
}

export async function createServer(parts: ServerParts): Promise<NestExpressApplication> {
  const tokens = new TokenRegistry(parts.tokensFile, (message) => {
    parts.logger.error({ tokensFile: parts.tokensFile }, `every request is refused (503): ${message}`);
  });
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.with(parts.store, tokens, { maxLines: maxRequestLines(parts.maxBodyBytes) }),
    {
      bodyParser: false,
      logger: ['error', 'warn'],
    },
  );
  // No response is to be read as another type than it says (JSON, CSV, NDJSON alike); the web app's and the API
  // docs' files set their own headers besides.
  app.use((_request: IncomingMessage, response: ServerResponse, next: () => void) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  // A client without a known token gets 401 before its body is read (see unauthorizedFirst).
  app.use(unauthorizedFirst(tokens));
  // Only the events endpoints take a body; no other request's body is read at all (so none is decompressed or
  // parsed for a client that may not even have a token: those endpoints are under /api/v1, behind the check above).
  // They read it whatever its type, so that a JSON body that does not parse is answered line by line as
  // `budget import` would (see bodyLines), not by the JSON parser's own error. As bytes: bodyLines decodes them,
  // refusing lines that are not UTF-8 rather than take in replacement characters.
  app.useBodyParser('raw', { type: isEventsRequest, limit: parts.maxBodyBytes });
  app.useGlobalFilters(new ErrorsFilter(parts.logger));
  app.disable('x-powered-by');
  app.use(serveWebApp(parts.web ?? (await buildWebApp())));
  app.use(serveDocsAssets());
  app.enableShutdownHooks();
  return app;
}
