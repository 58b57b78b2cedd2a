//! Bearer tokens of CONTRACT section 8: only SHA-256 hashes are stored; roles say what a token may do.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EVENT_TYPES, IDENTIFIER_PATTERN, type EventType } from '@budget/domain';

export const ROLES = ['finance-officer', 'controller', 'administrator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The longest name of a token entry (who or what holds it). */
export const MAX_TOKEN_NAME = 200;

const tokenEntrySchema = z.strictObject({
  // Hex in either case (the contract says hex); kept in lowercase, as `budget token create` writes it.
  tokenSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters')
    .transform((hex) => hex.toLowerCase()),
  role: z.enum(ROLES),
  regions: z.array(z.union([z.literal('*'), z.string().regex(IDENTIFIER_PATTERN)])).min(1),
  name: z.string().min(1).max(MAX_TOKEN_NAME),
});
export type TokenEntry = z.infer<typeof tokenEntrySchema>;
const tokenFileSchema = z.array(tokenEntrySchema).max(10_000);

const SPENDING_TYPES: ReadonlySet<EventType> = new Set([
  'SpendingRecorded',
  'SpendingCorrected',
  'SpendingReversed',
]);

/** Which event types a role may send (section 8). */
export function mayWrite(role: Role, type: EventType): boolean {
  switch (role) {
    case 'administrator':
      return true;
    case 'finance-officer':
      return type === 'FundingCommitted' || SPENDING_TYPES.has(type);
    case 'controller':
      return !SPENDING_TYPES.has(type);
    case 'auditor':
      return false;
    default: {
      const unreachable: never = role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

export function writesAnything(role: Role): boolean {
  return EVENT_TYPES.some((type) => mayWrite(role, type));
}

export function mayReadHistory(role: Role): boolean {
  return role !== 'finance-officer';
}

export function mayUseRegion(entry: TokenEntry, region: string): boolean {
  return entry.regions.includes('*') || entry.regions.includes(region);
}

const EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * The event type and region a line claims, when it is a JSON object with a known `type` and a string `region`; else
 * undefined (such a line is malformed). Nothing else of the line is validated. A valid line claims its own type and
 * region, so judging the claims finds every valid line a token may not send, and validating the lines can be left
 * to the import alone when none is.
 */
export function lineClaims(line: string): { type: EventType; region: string } | undefined {
  // Not even an object: no need to have JSON.parse throw (which costs more than parsing a whole event does).
  if (!/^[ \t\r\n]*\{/.test(line)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, region } = value as { type?: unknown; region?: unknown };
  if (typeof type !== 'string' || typeof region !== 'string' || !EVENT_TYPE_NAMES.has(type)) return undefined;
  return { type: type as EventType, region };
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Finds the entry of a presented token; compares every entry in constant time so timing reveals nothing. */
export function findToken(entries: readonly TokenEntry[], presented: string): TokenEntry | undefined {
  const digest = Buffer.from(sha256Hex(presented), 'hex');
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(digest, Buffer.from(entry.tokenSha256, 'hex')) && found === undefined) found = entry;
  }
  return found;
}

export function readTokenFile(file: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `cannot read the tokens file ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = tokenFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`the tokens file ${file} is not valid: ${where}`);
  }
  return parsed.data;
}

/** Writes the file whole through a rename, so a reader never sees half of it. */
function writeTokenFile(file: string, entries: TokenEntry[]): void {
  // A random name: two processes (in two containers, say) may have the same pid.
  const temporary = `${file}.tmp-${randomBytes(8).toString('hex')}`;
  // Made exclusively (never through a link someone put in its place) and readable by its owner alone.
  writeFileSync(temporary, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/** How long a command waits for another to finish with the tokens file, and when a lock counts as left behind. */
const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

/**
 * Runs `change` (a read, change and write of the tokens file) holding `FILE.lock`, made exclusively: two commands
 * at once (a create and a revoke, say) would otherwise each write the file as they read it, and one change would be
 * lost (a revoked token back, a printed token never stored). A lock older than 30 s is a command that died holding
 * it, and is taken over.
 */
function withTokenFileLock<T>(file: string, change: () => T): T {
  const lock = `${file}.lock`;
  // The first token of a fresh install: its data directory (the default place) may not exist yet; made for its
  // owner alone, as the store makes it.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, `${String(process.pid)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the tokens file ${file} is in use by another command (${lock} exists); try again, or delete that file if no token command is running`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return change();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Creates a random token, stores only its hash, and returns the token (shown once). */
export function createToken(file: string, role: Role, regions: string[], name: string): string {
  const token = randomBytes(32).toString('base64url');
  const entry = tokenEntrySchema.parse({ tokenSha256: sha256Hex(token), role, regions, name });
  withTokenFileLock(file, () => {
    const entries = existsSync(file) ? readTokenFile(file) : [];
    writeTokenFile(file, [...entries, entry]);
  });
  return token;
}

/**
 * Removes every token of the given name from the file and returns how many there were (0: the file is left as it
 * was). The server reads the file again when it changes, so a revoked token is refused from its next request on.
 */
export function revokeTokens(file: string, name: string): number {
  if (!existsSync(file)) return 0;
  return withTokenFileLock(file, () => {
    const entries = readTokenFile(file);
    const kept = entries.filter((entry) => entry.name !== name);
    if (kept.length !== entries.length) writeTokenFile(file, kept);
    return entries.length - kept.length;
  });
}

/**
 * Development tokens for the embedded mode without BUDGET_TOKENS_FILE: one per role, every region, created on first
 * start. Returns the new tokens (to print once), or an empty list when the file already exists.
 */
export function ensureDevelopmentTokens(file: string): { role: Role; token: string }[] {
  if (existsSync(file)) return [];
  return ROLES.map((role) => ({ role, token: createToken(file, role, ['*'], `development ${role}`) }));
}
