//! The token registry: reads the tokens file, and again whenever it changes on disk (`budget token create`).
import { statSync } from 'node:fs';
import { findToken, readTokenFile, type TokenEntry } from '@budget/application';

export class TokenRegistry {
  private entries: TokenEntry[] = [];
  private loadedMtimeMs = -1;

  constructor(readonly file: string) {
    this.reloadIfChanged();
  }

  private reloadIfChanged(): void {
    const info = statSync(this.file, { throwIfNoEntry: false });
    if (info === undefined) {
      throw new Error(
        `the tokens file ${this.file} does not exist: create tokens with pnpm budget token create`,
      );
    }
    const mtimeMs = info.mtimeMs;
    if (mtimeMs === this.loadedMtimeMs) return;
    this.entries = readTokenFile(this.file);
    this.loadedMtimeMs = mtimeMs;
  }

  find(presented: string): TokenEntry | undefined {
    this.reloadIfChanged();
    return findToken(this.entries, presented);
  }
}
