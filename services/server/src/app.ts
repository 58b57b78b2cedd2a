//! Builds the NestJS application: controllers over a BudgetStore, bearer-token auth, body limits, error mapping.
import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { BudgetStore } from '@budget/application';
import { AuthGuard, TOKEN_REGISTRY } from './http/auth.guard';
import { ErrorsFilter } from './http/errors.filter';
import { EventsController } from './http/events.controller';
import { HealthController } from './http/health.controller';
import { ReportsController } from './http/reports.controller';
import { STORE } from './http/tokens';
import { TokenRegistry } from './http/tokens.service';

@Module({})
class ApiModule {
  static with(store: BudgetStore, tokens: TokenRegistry): DynamicModule {
    return {
      module: ApiModule,
      controllers: [HealthController, EventsController, ReportsController],
      providers: [
        { provide: STORE, useValue: store },
        { provide: TOKEN_REGISTRY, useValue: tokens },
        AuthGuard,
      ],
    };
  }
}

export interface ServerParts {
  store: BudgetStore;
  tokensFile: string;
  maxBodyBytes: number;
  logger: Logger;
}

export async function createServer(parts: ServerParts): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.with(parts.store, new TokenRegistry(parts.tokensFile)),
    {
      bodyParser: false,
      logger: ['error', 'warn'],
    },
  );
  app.useBodyParser('json', { limit: parts.maxBodyBytes });
  app.useBodyParser('text', { type: ['application/x-ndjson', 'text/plain'], limit: parts.maxBodyBytes });
  app.useGlobalFilters(new ErrorsFilter(parts.logger));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}
