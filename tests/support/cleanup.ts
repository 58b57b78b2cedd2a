//! A setup file of every test project: removes the temporary directories a test file made (tempDir), after the
//! file's own afterAll hooks have stopped whatever used them (hooks after run in the reverse order of registration).
import { afterAll } from 'vitest';
import { removeTempDirs } from './cli';

afterAll(() => {
  removeTempDirs();
});
