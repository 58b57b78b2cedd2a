//! Holding an embedded store's write lock from the test process. Apart from cli.ts, which every test project's setup
//! file loads: importing the store there would load the application package (its worker pool among it) before a
//! test file's vi.mock of it could apply.
import { EmbeddedStore } from '@budget/embedded-store';

/**
 * Runs `work` while another connection holds the write lock of the store in `dataDir` (a transaction left open, as
 * an import half-way has it), then rolls that transaction back.
 */
export async function whileAnotherWrites<T>(
  dataDir: string,
  work: (db: EmbeddedStore['db']) => Promise<T>,
): Promise<T> {
  const writer = EmbeddedStore.open(dataDir);
  try {
    writer.db.exec('BEGIN IMMEDIATE');
    return await work(writer.db);
  } finally {
    if (writer.db.inTransaction) writer.db.exec('ROLLBACK');
    await writer.close();
  }
}
