//! The interactive API documentation at /api/docs: Swagger UI from the `swagger-ui-dist` package, served by this
//! server from node_modules (no CDN), over the document at /api/openapi.json. Its files are served under
//! /api/docs/assets/ by a middleware (like the web app's), with a Content-Security-Policy as strict as Swagger UI
//! allows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

export const DOCS_PATH = '/api/docs';
export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets/`;
export const OPENAPI_PATH = '/api/openapi.json';

export const DOCS_SECURITY_HEADERS: Record<string, string> = {
  // Everything from this origin. Swagger UI sets style attributes from script, which a CSP without
  // 'unsafe-inline' allows; `data:` images are its icons.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/**
 * Starts Swagger UI: the standard layout without the top bar (no field to load other documents), and no deep links
 * (they put a link inside each operation's button, which nests interactive controls). Then a few accessibility
 * repairs Swagger UI 5 needs (WCAG 2 AA, checked with axe-core in tests/browser/api-docs.e2e.spec.ts): a name for
 * the dialog's close button, accessible names that contain the buttons' visible text, the token field named by its
 * visible label, and keyboard access to the scrollable code blocks. They are applied as Swagger UI renders, by a MutationObserver.
 */
const INIT_SCRIPT = `'use strict';
function repair(root) {
  root.querySelectorAll('button.close-modal:not([aria-label])').forEach(function (button) {
    button.setAttribute('aria-label', 'Close');
  });
  root.querySelectorAll('button[aria-label="Apply credentials"], button[aria-label="Remove authorization"]').forEach(
    function (button) {
      button.removeAttribute('aria-label');
    },
  );
  // The token field has a visible label ("Value:"), hidden by an aria-label of its id.
  root.querySelectorAll('.auth-container input[id][aria-label]').forEach(function (input) {
    if (input.getAttribute('aria-label') === input.id) input.removeAttribute('aria-label');
  });
  root.querySelectorAll('.highlight-code > pre:not([tabindex])').forEach(function (pre) {
    pre.setAttribute('tabindex', '0');
  });
}
window.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('swagger-ui');
  new MutationObserver(function () {
    repair(root);
  }).observe(root, { childList: true, subtree: true });
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    persistAuthorization: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  });
});
`;

/**
 * Local overrides of Swagger UI's colours where they fall below WCAG 2 AA contrast (4.5:1 for text): darker
 * method badges, buttons, links and labels, and lighter code colours on the dark code blocks.
 */
const OVERRIDES_CSS = `.swagger-ui .info .title small { background: #4f555e; }
.swagger-ui .info .title small.version-stamp { background: #3d6b00; }
.swagger-ui .info a,
.swagger-ui .info .url,
.swagger-ui .info__license__url .link { color: #1f5fa8; }
.swagger-ui .btn.authorize { color: #146c43; border-color: #146c43; }
.swagger-ui .btn.authorize svg { fill: #146c43; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1b5fa6; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #146c43; }
.swagger-ui .btn.execute { background-color: #1b5fa6; border-color: #1b5fa6; }
.swagger-ui .try-out__btn { color: #3b4151; border-color: #3b4151; }
.swagger-ui .try-out__btn.cancel { color: #b0211e; border-color: #b0211e; }
.swagger-ui .parameter__in,
.swagger-ui .parameter__deprecated { color: #595959; }
.swagger-ui .download-contents { background: #4f555e; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #4f555e; }
.swagger-ui .microlight span[style*="211, 99, 99"] { color: #ff9d9d !important; }
.swagger-ui .json-schema-2020-12__constraint { background-color: #6b46c1; }
.swagger-ui .json-schema-2020-12__constraint--string { background-color: #8a5a00; }
.swagger-ui .model .property.primitive,
.swagger-ui .json-schema-2020-12-keyword--description,
.swagger-ui .json-schema-2020-12-keyword__name--secondary,
.swagger-ui .json-schema-2020-12-keyword__value,
.swagger-ui .json-schema-2020-12-keyword__value--secondary,
.swagger-ui .json-schema-2020-12-json-viewer__name--secondary,
.swagger-ui .json-schema-2020-12-json-viewer__value,
.swagger-ui .json-schema-2020-12-json-viewer__value--secondary { color: #4f4f4f; }
`;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Limburg budget API documentation</title>
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}swagger-ui.css">
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}overrides.css">
    <link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS_PATH}swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PATH}init.js"></script>
  </body>
</html>
`;

interface Asset {
  contentType: string;
  body: Buffer | string;
}

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** The page's files: three from swagger-ui-dist (read once, at start) and two of ours. */
export function docsAssets(): ReadonlyMap<string, Asset> {
  const dir = swaggerUiDir();
  const file = (name: string): Buffer => readFileSync(join(dir, name));
  return new Map<string, Asset>([
    ['swagger-ui.css', { contentType: 'text/css; charset=utf-8', body: file('swagger-ui.css') }],
    [
      'swagger-ui-bundle.js',
      { contentType: 'text/javascript; charset=utf-8', body: file('swagger-ui-bundle.js') },
    ],
    ['favicon-32x32.png', { contentType: 'image/png', body: file('favicon-32x32.png') }],
    ['init.js', { contentType: 'text/javascript; charset=utf-8', body: INIT_SCRIPT }],
    ['overrides.css', { contentType: 'text/css; charset=utf-8', body: OVERRIDES_CSS }],
  ]);
}

/** Serves /api/docs/assets/NAME for the names above; anything else goes on (and ends as 404). */
export function serveDocsAssets(
  assets: ReadonlyMap<string, Asset> = docsAssets(),
): (request: Request, response: Response, next: NextFunction) => void {
  return (request, response, next) => {
    if (
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      !request.path.startsWith(DOCS_ASSETS_PATH)
    ) {
      next();
      return;
    }
    const asset = assets.get(request.path.slice(DOCS_ASSETS_PATH.length));
    if (asset === undefined) {
      next();
      return;
    }
    response.status(200).set(DOCS_SECURITY_HEADERS).type(asset.contentType).send(asset.body);
  };
}
