//! Bundles the web app (Preact, TypeScript) with esbuild into memory, for the server to serve at `/`.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'app');

export interface WebAsset {
  body: Buffer;
  contentType: string;
}

/** The files of the web app by URL path: `/`, `/assets/app.js`, `/assets/app.css`. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

/** Builds the app (about 0.1 s): minified, one script and one style sheet, nothing fetched at run time. */
export async function buildWebApp(): Promise<WebAssets> {
  const result = await build({
    entryPoints: { app: join(APP_DIR, 'main.tsx'), styles: join(APP_DIR, 'styles.css') },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: 'out',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, WebAsset>();
  for (const file of result.outputFiles) {
    if (file.path.endsWith('app.js'))
      assets.set('/assets/app.js', {
        body: Buffer.from(file.contents),
        contentType: 'text/javascript; charset=utf-8',
      });
    else if (file.path.endsWith('styles.css'))
      assets.set('/assets/app.css', {
        body: Buffer.from(file.contents),
        contentType: 'text/css; charset=utf-8',
      });
  }
  const html = await readFile(join(APP_DIR, 'index.html'));
  assets.set('/', { body: html, contentType: 'text/html; charset=utf-8' });
  return assets;
}
