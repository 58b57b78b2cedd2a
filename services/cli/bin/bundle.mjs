// Bundles the CLI for the embedded store: plain JavaScript that starts without tsx, so a command answers in a
// fraction of the time. `budget.mjs` beside this file runs the current bundle when it is up to date and builds a
// new one when it is not.
import { createRequire } from 'node:module';
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(CLI, '..', '..');
export const LOCKFILE = join(ROOT, 'pnpm-lock.yaml');
/** Where builds go; BUDGET_BUNDLE_DIR moves it (tests build into a directory of their own). */
export const DIST = process.env['BUDGET_BUNDLE_DIR'] ?? join(CLI, 'dist');
/** Names the current build: `{ dir, builtAt, inputs }`, replaced by a rename, never edited in place. */
export const CURRENT = join(DIST, 'current.json');
/** Older builds are removed this long after they were replaced (a CLI started before may still be loading one):
 *  a build directory's modification time is set to the moment it is replaced. */
const KEEP_REPLACED_MS = 10 * 60 * 1000;

/**
 * @typedef {{ dir: string, builtAt: number, inputs: string[] }} Build
 * `dir` below DIST; `inputs` the workspace files the bundle was made from, relative to the repository (node_modules
 * left out: the lockfile stands for them).
 */

/** @returns {Build | undefined} */
export function currentBuild() {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { dir, builtAt, inputs } = /** @type {Record<string, unknown>} */ (value);
  if (typeof dir !== 'string' || typeof builtAt !== 'number' || !Array.isArray(inputs)) return undefined;
  if (!inputs.every((file) => typeof file === 'string')) return undefined;
  return { dir, builtAt, inputs: /** @type {string[]} */ (inputs) };
}

/** @param {string} file @returns {number} modification time in ms, or Infinity when the file is gone */
function modified(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** @param {Build} build @returns {boolean} whether no input (nor the lockfile) changed after the build started */
export function isFresh(build) {
  return (
    build.inputs.length > 0 &&
    build.inputs.every((file) => modified(join(ROOT, file)) < build.builtAt) &&
    modified(LOCKFILE) < build.builtAt &&
    modified(join(DIST, build.dir, 'main.mjs')) !== Number.POSITIVE_INFINITY
  );
}

/**
 * Builds into a new directory, then names it in current.json by a rename: a CLI started meanwhile loads the old
 * build or the new one, never half of one. The engines mode (Kafka and MongoDB) is left out: `budget.mjs` runs
 * the TypeScript source for it.
 * @returns {Promise<Build>}
 */
export async function bundle() {
  const { build } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const builtAt = Date.now();
  const dir = `build-${String(builtAt)}-${String(process.pid)}`;
  const result = await build({
    entryPoints: {
      main: join(CLI, 'src', 'main.ts'),
      worker: join(ROOT, 'packages', 'application', 'src', 'worker.ts'),
    },
    outdir: join(DIST, dir),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The engines adapters are TypeScript, loaded only in the engines mode (which runs the source).
    external: ['@budget/engines'],
    plugins: [nativeModule('better-sqlite3')],
    define: { BUDGET_BUNDLED_WORKER: JSON.stringify('./worker.mjs') },
    // CommonJS dependencies call require(): give the ES module bundle one.
    banner: {
      js: "import { createRequire as __budgetRequire } from 'node:module'; const require = __budgetRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !file.includes('node_modules'))
    .map((file) => relative(ROOT, resolve(process.cwd(), file)));
  /** @type {Build} */
  const made = { dir, builtAt, inputs };
  const staged = `${CURRENT}.${String(process.pid)}`;
  writeFileSync(staged, `${JSON.stringify(made, null, 1)}\n`);
  const replaced = currentBuild();
  renameSync(staged, CURRENT);
  // The replaced build's time becomes the moment it was replaced: it is kept that long from now, not from when it
  // was built (a CLI that read current.json just before may still be loading it).
  if (replaced !== undefined && replaced.dir !== dir) {
    const now = new Date();
    try {
      utimesSync(join(DIST, replaced.dir), now, now);
    } catch {
      // Already removed by another build: nothing to keep.
    }
  }
  removeReplaced(dir);
  return made;
}

/**
 * A native module stays outside the bundle, imported by its absolute path: the bundle may be written anywhere
 * (BUDGET_BUNDLE_DIR), where the package could not be found by name.
 * @param {string} name
 * @returns {import('esbuild').Plugin}
 */
function nativeModule(name) {
  const path = createRequire(import.meta.url).resolve(name);
  const filter = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return {
    name: `native ${name}`,
    setup(build) {
      build.onResolve({ filter }, () => ({ path, external: true }));
    },
  };
}

/** @param {string} keep */
function removeReplaced(keep) {
  for (const entry of readdirSync(DIST)) {
    if (!entry.startsWith('build-') || entry === keep) continue;
    const path = join(DIST, entry);
    if (Date.now() - modified(path) > KEEP_REPLACED_MS) rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const made = await bundle();
  process.stderr.write(`bundle: wrote ${relative(ROOT, join(DIST, made.dir, 'main.mjs'))}\n`);
}
