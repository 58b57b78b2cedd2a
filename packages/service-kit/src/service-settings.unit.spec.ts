import { describe, expect, it } from 'vitest';
import { readServiceSettings } from './service-settings';

describe('readServiceSettings', () => {
  it('listens on 127.0.0.1 at the port of its kind unless told otherwise', () => {
    expect(readServiceSettings({}, 'sequencer')).toEqual({ port: 9101, host: '127.0.0.1' });
    expect(readServiceSettings({ SERVICE_PORT: '', HOST: '' }, 'allocator')).toEqual({
      port: 9103,
      host: '127.0.0.1',
    });
    expect(readServiceSettings({ SERVICE_PORT: '0', HOST: '0.0.0.0' }, 'ledger')).toEqual({
      port: 0,
      host: '0.0.0.0',
    });
  });

  it('refuses a port that is not one, naming the variable', () => {
    expect(() => readServiceSettings({ SERVICE_PORT: 'abc' }, 'ledger')).toThrow(
      'bad environment: SERVICE_PORT: must be a port number',
    );
    expect(() => readServiceSettings({ SERVICE_PORT: '70000' }, 'ledger')).toThrow(
      'bad environment: SERVICE_PORT: must be a port number',
    );
  });
});
