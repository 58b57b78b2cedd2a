import { describe, expect, it } from 'vitest';
import { prefersCsv } from './reports.controller';

describe('prefersCsv', () => {
  it('serves CSV when CSV is asked for, with or without parameters', () => {
    for (const accept of [
      'text/csv',
      'TEXT/CSV',
      'text/csv; charset=utf-8',
      'text/csv;charset=UTF-8',
      'text/csv; header=present',
      'text/csv;charset=UTF-8, application/json;q=0.1',
      'application/json;q=0.5, text/csv',
      'text/*',
      'text/csv;q=1.0',
    ]) {
      expect(prefersCsv(accept), accept).toBe(true);
    }
  });

  it('serves JSON otherwise: no header, JSON first or preferred, anything, or nothing it offers', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'application/json, text/csv',
      'text/csv;q=0.5, application/json',
      'text/csv; charset=utf-8; q=0.2, application/json',
      'text/html',
      'text/csv;q=0',
    ]) {
      expect(prefersCsv(accept), String(accept)).toBe(false);
    }
  });
});
