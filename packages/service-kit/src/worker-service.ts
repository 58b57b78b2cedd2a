//! A worker service as a small NestJS app: the worker starts and stops with the app, /health and /metrics are served.
import 'reflect-metadata';
import {
  Controller,
  Get,
  Inject,
  Module,
  Res,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ServiceMetrics } from './metrics';

export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Copies the worker's own counters into the metrics, and measures lag. Called on each scrape. */
  observe?(metrics: ServiceMetrics): Promise<void>;
}

const WORKER = Symbol('Worker');
const METRICS = Symbol('Metrics');
const LOGGER = Symbol('Logger');
const READINESS = Symbol('Readiness');

interface Readiness {
  ready: boolean;
}

@Controller()
class HealthController {
  constructor(
    @Inject(WORKER) private readonly worker: Worker,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  @Get('health')
  health(@Res() response: Response): void {
    const ready = this.readiness.ready;
    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
  }

  @Get('metrics')
  async scrape(@Res() response: Response): Promise<void> {
    await this.worker.observe?.(this.metrics).catch(() => undefined);
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}

class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WORKER) private readonly worker: Worker,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(READINESS) private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start();
    this.readiness.ready = true;
    this.logger.info('worker started');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
    this.logger.info('worker stopped');
  }
}

@Module({})
class WorkerModule {
  static with(worker: Worker, metrics: ServiceMetrics, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      controllers: [HealthController],
      providers: [
        { provide: WORKER, useValue: worker },
        { provide: METRICS, useValue: metrics },
        { provide: LOGGER, useValue: logger },
        { provide: READINESS, useValue: { ready: false } },
        {
          provide: Lifecycle,
          useFactory: (w: Worker, l: Logger, r: Readiness) => new Lifecycle(w, l, r),
          inject: [WORKER, LOGGER, READINESS],
        },
      ],
    };
  }
}

export async function runWorkerService(options: {
  worker: Worker;
  metrics: ServiceMetrics;
  logger: Logger;
  port: number;
  host: string;
}): Promise<() => Promise<void>> {
  const app = await NestFactory.create(WorkerModule.with(options.worker, options.metrics, options.logger), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  options.logger.info({ port: options.port }, 'serving /health and /metrics');
  return () => app.close();
}
