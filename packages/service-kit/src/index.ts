//! What every worker service shares: a NestJS shell with /health and /metrics, and Prometheus metrics.
export { ServiceMetrics } from './metrics';
export { runWorkerService, type Worker } from './worker-service';
export { engineWorker, type WorkerKind } from './engine-workers';
export { serviceMain } from './main-for';
export { readServiceSettings, type ServiceSettings } from './service-settings';
