#!/usr/bin/env node
// `pnpm budget`: runs the bundled CLI when it is newer than every file it was made from, building it first when it
// is not (about half a second, once after each change). The engines mode, BUDGET_NO_BUNDLE=1, or a failed build
// run the TypeScript source through tsx instead: the same commands with the same output.
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, bundle, currentBuild, isFresh } from './bundle.mjs';

/** @returns {Promise<string | undefined>} the bundle's entry module, or undefined to run the source */
async function bundledMain() {
  const engines = Boolean(process.env['KAFKA_BROKERS']) && Boolean(process.env['MONGO_URL']);
  if (engines || process.env['BUDGET_NO_BUNDLE'] === '1') return undefined;
  try {
    let build = currentBuild();
    if (build === undefined || !isFresh(build)) build = await bundle();
    return join(DIST, build.dir, 'main.mjs');
  } catch (error) {
    process.stderr.write(
      `budget: could not bundle the CLI (${error instanceof Error ? error.message : String(error)}); running the TypeScript source\n`,
    );
    return undefined;
  }
}

const main = await bundledMain();
if (main !== undefined) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'services', 'cli', 'src', 'main.ts')).href);
}
