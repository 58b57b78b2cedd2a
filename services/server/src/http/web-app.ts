//! Serves the web app's files (built in memory by @budget/web) at `/` and `/assets/*`, with a strict CSP.
import type { NextFunction, Request, Response } from 'express';
import type { WebAssets } from '@budget/web';

const SECURITY_HEADERS: Record<string, string> = {
  // Everything comes from this origin; nothing inline, nothing from a CDN.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export function serveWebApp(
  assets: WebAssets,
): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    const asset = assets.get(request.path === '/index.html' ? '/' : request.path);
    if (asset === undefined) {
      next();
      return;
    }
    response.status(200).set(SECURITY_HEADERS).type(asset.contentType).send(asset.body);
  };
}
