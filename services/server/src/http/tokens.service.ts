//! The token registry: reads the tokens file, and again whenever it changes on disk (`budget token create`).
import { statSync } from 'node:fs';
import { findToken, readTokenFile, type TokenEntry } from '@budget/application';

export class TokenRegistry {
  private entries: TokenEntry[] = [];
  /** The loaded file's identity: every write renames a new file into place (a new inode), and file times are coarse. */
  private loaded = '';

  /** @param file the tokens file; undefined: no tokens at all (every /api/v1 request is refused with 401) */
  constructor(readonly file: string | undefined) {
    this.reloadIfChanged();
  }

  private reloadIfChanged(): void {
    if (this.file === undefined) return;
    const info = statSync(this.file, { throwIfNoEntry: false });
    if (info === undefined) {
      throw new Error(
        `the tokens file ${this.file} does not exist: create tokens with pnpm budget token create`,
      );
    }
    const identity = `${String(info.ino)}:${String(info.size)}:${String(info.mtimeMs)}`;
    if (identity === this.loaded) return;
    this.entries = readTokenFile(this.file);
    this.loaded = identity;
  }

  find(presented: string): TokenEntry | undefined {
    this.reloadIfChanged();
    return findToken(this.entries, presented);
  }
}
