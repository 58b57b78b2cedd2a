// infra/asyncapi.yaml is the description other programs read: it must parse as AsyncAPI 3 without errors and name
// every topic the engines create.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { topicNames } from '@budget/engines';
import { ROOT } from '../support/cli';

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3 and describes every topic the engines use', async () => {
    const text = readFileSync(join(ROOT, 'infra', 'asyncapi.yaml'), 'utf8');
    const { document, diagnostics } = await new Parser().parse(text);
    // Severity 0 is an error (1 warning, 2 information, 3 hint), as in Spectral's DiagnosticSeverity.
    const severities: number[] = diagnostics.map((d) => d.severity);
    const errors = diagnostics
      .filter((_, i) => severities[i] === 0)
      .map((d) => `${d.message} at ${d.path.join('.')}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
    const addresses = new Set(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    );
    for (const topic of Object.values(topicNames(''))) expect(addresses, topic).toContain(topic);
  }, 60_000);
});
