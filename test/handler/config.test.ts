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

  it('a handler given a holiday calendar it does not know refuses to load, naming HOLIDAY_CALENDAR', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      TABLE_NAME: 't',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning',
      SENDER_EMAIL: 'relances@pme.fr',
      FINANCE_EMAILS: 'compta@pme.fr',
      HOLIDAY_CALENDAR: 'alsace',
    });
    try {
      await expect(import('../../functions/sweep/handler')).rejects.toThrow(/HOLIDAY_CALENDAR/);
      expect(() => requireSettings(['HOLIDAY_CALENDAR'], { HOLIDAY_CALENDAR: 'moselle' })).toThrow(
        /HOLIDAY_CALENDAR.*metropole.*alsace-moselle/,
      );
      expect(() => requireSettings(['HOLIDAY_CALENDAR'], { HOLIDAY_CALENDAR: 'alsace-moselle' })).not.toThrow();
      expect(() => requireSettings(['HOLIDAY_CALENDAR'], {})).not.toThrow(); // metropole by default
    } finally {
      process.env = saved;
    }
  });
});
