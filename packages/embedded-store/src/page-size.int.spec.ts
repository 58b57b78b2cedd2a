// A new store's file is written on 16 KiB pages; a store written before that keeps its 4 KiB pages and works as ever.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, EmbeddedStore, PAGE_SIZE } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'page-size-'));
  dirs.push(dir);
  return dir;
}

function pageSize(dir: string): number {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

const configured = JSON.stringify({
  id: 'e-1',
  region: 'r',
  type: 'RegionConfigured',
  occurredAt: '2024-01-01T00:00:00Z',
  actor: 'a',
  data: { name: 'R', funders: [{ id: 'f', name: 'F', municipalities: [] }] },
});

async function importOne(dir: string): Promise<void> {
  const store = EmbeddedStore.open(dir);
  try {
    const result = await store.importLines(async function* () {
      await Promise.resolve();
      yield configured;
    });
    expect(result).toMatchObject({ ok: true, counts: { appended: 1 } });
  } finally {
    await store.close();
  }
}

describe('the page size of the database file', () => {
  it('is 16 KiB for a new store', async () => {
    const dir = dataDir();
    await importOne(dir);
    expect(PAGE_SIZE).toBe(16_384);
    expect(pageSize(dir)).toBe(PAGE_SIZE);
  });

  it('stays what it was for a store written on the default 4 KiB pages, which still takes imports', async () => {
    const dir = dataDir();
    const old = new Database(join(dir, DATABASE_FILE));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.close();
    await importOne(dir);
    expect(pageSize(dir)).toBe(4096);
  });
});
