import { describe, expect, it } from 'vitest';
import {
  builtInPolicies,
  findPolicyVersion,
  Policy,
  policyForCustomer,
  UnknownPolicyError,
} from '../../../functions/core/dunning';
import { customer, policy } from './fixtures';

const byId = (id: string) => builtInPolicies.find((p) => p.policyId === id)!;

describe('built-in dunning policies', () => {
  it(
    'standard: a courtesy reminder a few days before the due date, reminders after, formal notice, agency ' + 'handoff',
    () => {
      const p = byId('standard');
      const first = p.steps[0];
      expect(first.level).toBe('courtesy');
      expect(first.offsetDays).toBeLessThan(0);
      expect(first.offsetDays).toBeGreaterThanOrEqual(-7);
      expect(p.steps.map((s) => s.channel)).toEqual([
        'email',
        'email',
        'email',
        'email',
        'formal_notice',
        'agency_handoff',
      ]);
      expect(p.fixedIndemnity).toBe(true);
      expect(p.lateInterest).toBe('l441_10');
      expect(p.sendWindow).toEqual({ time: '08:30', timeZone: 'Europe/Paris' });
      expect(p.gatherSeconds).toBe(300);
    },
  );

  it(
    'key account: a call task for the account manager first, gentler emails, no agency handoff without ' + 'approval',
    () => {
      const p = byId('key_account');
      expect(p.steps[0].channel).toBe('call_task');
      const emails = p.steps.filter((s) => s.channel === 'email').map((s) => s.level);
      expect(emails).not.toContain('final_reminder');
      expect(emails).not.toContain('reminder_2');
      expect(p.steps.find((s) => s.channel === 'agency_handoff')?.requiresApproval).toBe(true);
    },
  );

  it('B2C: no €40 indemnity, legal interest rate instead of L441-10', () => {
    const p = byId('b2c');
    expect(p.fixedIndemnity).toBe(false);
    expect(p.lateInterest).toBe('legal_rate');
  });

  it('every built-in policy passes its own schema', () => {
    for (const p of builtInPolicies) expect(Policy.safeParse(p).success).toBe(true);
  });
});

describe('policy of a customer', () => {
  it('is the explicit policy when set, else the policy of its segment', () => {
    expect(policyForCustomer(customer({ segment: 'key_account' })).policyId).toBe('key_account');
    expect(policyForCustomer(customer({ segment: 'b2c' })).policyId).toBe('b2c');
    expect(policyForCustomer(customer({ segment: 'key_account', policyId: 'standard' })).policyId).toBe('standard');
  });

  it('takes the latest version of an edited policy', () => {
    const v2 = { ...byId('standard'), version: 2, name: 'Standard v2' };
    expect(policyForCustomer(customer(), [...builtInPolicies, v2]).version).toBe(2);
    expect(findPolicyVersion([...builtInPolicies, v2], 'standard', 1)?.name).toBe('Standard');
  });

  it('refuses an unknown explicit policy rather than silently using another one', () => {
    expect(() => policyForCustomer(customer({ policyId: 'typo' }))).toThrow(UnknownPolicyError);
  });
});

describe('policy schema', () => {
  it('rejects steps out of day order, duplicate step ids and a level that does not fit the channel', () => {
    const email = (stepId: string, offsetDays: number) => ({
      stepId,
      offsetDays,
      channel: 'email' as const,
      level: 'reminder_1' as const,
      template: 't',
    });
    expect(() => policy([email('a', 10), email('b', 5)])).toThrow(/ordered/);
    expect(() => policy([email('a', 1), email('a', 5)])).toThrow(/duplicate/);
    expect(() =>
      policy([{ stepId: 'x', offsetDays: 1, channel: 'email', level: 'formal_notice', template: 't' }]),
    ).toThrow(/does not fit/);
  });

  it('defaults the send window to 08:30 Europe/Paris and the gather delay to 300 s', () => {
    const p = policy([{ stepId: 'a', offsetDays: 1, channel: 'email', level: 'reminder_1', template: 't' }]);
    expect(p.sendWindow).toEqual({ time: '08:30', timeZone: 'Europe/Paris' });
    expect(p.gatherSeconds).toBe(300);
    expect(p.steps[0].dayKind).toBe('calendar');
  });
});
