//! The token registry: reads the tokens file, and again whenever it changes on disk (`budget token create`).
import { statSync } from 'node:fs';
import { ServiceUnavailableException } from '@nestjs/common';
import { findToken, readTokenFile, type TokenEntry } from '@budget/application';

export class TokenRegistry {
  private entries: TokenEntry[] = [];
  /** The loaded file's identity: every write renames a new file into place (a new inode), and file times are coarse. */
  private loaded = '';

  private lastFailure: string | undefined;

  /**
   * @param file the tokens file; undefined: no tokens at all (every /api/v1 request is refused with 401)
   * @param onFailure told once of each new reason the file cannot be read while the server runs (for its log)
   */
  constructor(
    readonly file: string | undefined,
    private readonly onFailure?: (message: string) => void,
  ) {
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

  /**
   * The entry of a presented token. A tokens file that has gone or cannot be read any more refuses every token
   * (`TokensUnavailable`, answered 503): its old entries could hold a token revoked by the change that broke it.
   */
  find(presented: string): TokenEntry | undefined {
    try {
      this.reloadIfChanged();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastFailure) this.onFailure?.(message);
      this.lastFailure = message;
      this.loaded = '';
      throw new TokensUnavailable();
    }
    this.lastFailure = undefined;
    return findToken(this.entries, presented);
  }
}

/** The tokens file cannot be read now: no token can be judged, so none is let in (503, as the guard answers it). */
export class TokensUnavailable extends ServiceUnavailableException {
  constructor() {
    super({
      error: 'tokens-unavailable',
      message:
        'the server cannot read its tokens file now; no request is let in until an administrator restores it',
    });
  }
}
