//! The HTTP server of the budget service (CONTRACT section 8).
export { createServer, type ServerParts } from './app';
export { readServerConfig, type ServerConfig } from './config';
