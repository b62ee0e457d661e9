import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv, requireSettings, settings } from '../../functions/adapters/config';

describe('configuration fails fast, naming the setting', () => {
  it('names every missing or malformed setting at once', () => {
    expect(() =>
      requireSettings(['TABLE_NAME', 'SENDER_EMAIL', 'FINANCE_EMAILS'], {
        SENDER_EMAIL: 'not-an-address',
        FINANCE_EMAILS: 'a@b.fr, oops',
      }),
    ).toThrow(/TABLE_NAME.*SENDER_EMAIL.*FINANCE_EMAILS/);
  });

  it('is a ConfigError, not an undefined surfacing later', () => {
    expect(() => readEnv({ TABLE_NAME: settings.TABLE_NAME }, {})).toThrow(ConfigError);
  });

  it('accepts a complete environment and splits the finance list', () => {
    expect(
      readEnv({ FINANCE_EMAILS: settings.FINANCE_EMAILS }, { FINANCE_EMAILS: 'daf@pme.fr, compta@pme.fr' })
        .FINANCE_EMAILS,
    ).toEqual(['daf@pme.fr', 'compta@pme.fr']);
  });

  it('a handler without its table refuses to load (cold start), naming TABLE_NAME', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(settings)) delete process.env[k];
    try {
      await expect(import('../../functions/dunning-plan/handler')).rejects.toThrow(/TABLE_NAME/);
    } finally {
      process.env = saved;
    }
  });
});
