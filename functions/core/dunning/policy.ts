import { z } from 'zod';
import { defaultSendWindow, SendWindow } from '../calendar/time-zone';
import { type Customer, DunningLevel, Segment } from '../model';

/**
 * A dunning policy ("scénario de relance") is data: ordered steps relative to the invoice's due date.
 *
 * Day rule of a step (see stepDay in schedule.ts):
 * - dayKind 'business': the day is `offsetDays` business days from the due date (Saturdays, Sundays and the public
 *   holidays of the creditor's holiday calendar are not counted: metropolitan ones, and Good Friday and 26 December in
 *   Alsace-Moselle); offset 0 is the due date, or the next business day when it is not one.
 * - dayKind 'calendar': the day is due date + `offsetDays` calendar days; when that lands on a Saturday, a Sunday or a
 *   public holiday (1 May!) the step moves FORWARD to the next business day, never backward.
 * Either way a step fires at the policy's send window on a business day.
 */
export { DunningLevel, levelRank } from '../model/dunning-level';

export const Channel = z.enum(['email', 'formal_notice', 'call_task', 'agency_handoff']);
export type Channel = z.infer<typeof Channel>;

export const PolicyStep = z.object({
  stepId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, 'stepId: letters, digits, _ . -'),
  /** Negative = before the due date. */
  offsetDays: z.number().int().min(-90).max(730),
  dayKind: z.enum(['calendar', 'business']).default('calendar'),
  channel: Channel,
  level: DunningLevel,
  /** Template name, e.g. "reminder.courtesy". */
  template: z.string().min(1).max(120),
  conditions: z
    .object({
      /** The step is skipped when the invoice's open amount is below this. */
      minOpenCents: z.number().int().nonnegative().optional(),
      /** The step only applies to customers of these segments. */
      segments: z.array(Segment).optional(),
    })
    .optional(),
  /** A person must approve before the step acts (the runtime turns it into a task for finance). */
  requiresApproval: z.boolean().optional(),
});
export type PolicyStep = z.infer<typeof PolicyStep>;

export const LateInterestMode = z.enum(['l441_10', 'legal_rate', 'none']);
export type LateInterestMode = z.infer<typeof LateInterestMode>;

export const Policy = z
  .object({
    policyId: z.string().min(1).max(64),
    version: z.number().int().nonnegative(),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** The segment this policy is the default for, if any. */
    segment: Segment.optional(),
    sendWindow: SendWindow.default(defaultSendWindow),
    /** Ordered by offset (enforced by the schema, in the day order the steps fire). */
    steps: z.array(PolicyStep).min(1).max(30),
    lateInterest: LateInterestMode.default('l441_10'),
    /** The €40 fixed recovery indemnity per invoice (D441-5), business debtors only. */
    fixedIndemnity: z.boolean().default(true),
    /** Days after a promised payment date before the workflow resumes if still unpaid. */
    promiseGraceDays: z.number().int().min(0).max(60).default(3),
    /** The furthest a customer may promise to pay from their page, in days from today (finance may grant more). */
    customerPromiseMaxDays: z.number().int().min(1).max(365).default(30),
    /** How long grouped sends wait for the other invoices of the same window (seconds). */
    gatherSeconds: z.number().int().min(0).max(3600).default(300),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.steps.forEach((s, i) => {
      if (ids.has(s.stepId))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'stepId'], message: `duplicate stepId ${s.stepId}` });
      ids.add(s.stepId);
      if (i > 0 && s.offsetDays < p.steps[i - 1].offsetDays)
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'offsetDays'],
          message: 'steps must be ordered by offsetDays',
        });
      const channelLevels: Record<Channel, DunningLevel[]> = {
        email: ['courtesy', 'reminder_1', 'reminder_2', 'final_reminder'],
        formal_notice: ['formal_notice'],
        call_task: ['call'],
        agency_handoff: ['agency_handoff'],
      };
      if (!channelLevels[s.channel].includes(s.level))
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'level'],
          message: `level ${s.level} does not fit channel ${s.channel}`,
        });
    });
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** Email reminder levels in order of firmness; the tone of a grouped message is that of its highest level. */
export const reminderLevelOrder: readonly DunningLevel[] = ['courtesy', 'reminder_1', 'reminder_2', 'final_reminder'];
export type ReminderLevel = 'courtesy' | 'reminder_1' | 'reminder_2' | 'final_reminder';
export function isEscalation(step: Pick<PolicyStep, 'channel'>): boolean {
  return step.channel === 'formal_notice' || step.channel === 'agency_handoff';
}

const standard: Policy = Policy.parse({
  policyId: 'standard',
  version: 1,
  name: 'Standard',
  description:
    'Relance de courtoisie 3 jours avant l’échéance, relances à J+7, J+15 et J+25, mise en demeure 25 jours ouvrés ' +
    'après l’échéance (environ 5 semaines), remise à l’agence de recouvrement à J+75.',
  segment: 'standard',
  steps: [
    {
      stepId: 'courtesy',
      offsetDays: -3,
      dayKind: 'calendar',
      channel: 'email',
      level: 'courtesy',
      template: 'reminder.courtesy',
    },
    {
      stepId: 'reminder-1',
      offsetDays: 7,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_1',
      template: 'reminder.first',
    },
    {
      stepId: 'reminder-2',
      offsetDays: 15,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_2',
      template: 'reminder.second',
    },
    {
      stepId: 'final-reminder',
      offsetDays: 25,
      dayKind: 'calendar',
      channel: 'email',
      level: 'final_reminder',
      template: 'reminder.final',
    },
    {
      stepId: 'formal-notice',
      offsetDays: 25,
      dayKind: 'business',
      channel: 'formal_notice',
      level: 'formal_notice',
      template: 'formal_notice',
      conditions: { minOpenCents: 5000 },
    },
    {
      stepId: 'agency',
      offsetDays: 75,
      dayKind: 'calendar',
      channel: 'agency_handoff',
      level: 'agency_handoff',
      template: 'agency.handoff',
      conditions: { minOpenCents: 15000 },
    },
  ],
  lateInterest: 'l441_10',
  fixedIndemnity: true,
  promiseGraceDays: 3,
  gatherSeconds: 300,
});

const keyAccount: Policy = Policy.parse({
  policyId: 'key_account',
  version: 1,
  name: 'Grands comptes',
  description:
    'Appel du chargé de compte à J+3 (jours ouvrés), relances courtoises à J+10 et J+25, second appel 30 jours ' +
    'ouvrés après l’échéance, mise en demeure (après approbation) 35 jours ouvrés après, agence à J+90 seulement ' +
    'après approbation.',
  segment: 'key_account',
  steps: [
    {
      stepId: 'call-1',
      offsetDays: 3,
      dayKind: 'business',
      channel: 'call_task',
      level: 'call',
      template: 'call.account_manager',
    },
    {
      stepId: 'reminder-1',
      offsetDays: 10,
      dayKind: 'calendar',
      channel: 'email',
      level: 'courtesy',
      template: 'reminder.courtesy',
    },
    {
      stepId: 'reminder-2',
      offsetDays: 25,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_1',
      template: 'reminder.first',
    },
    {
      stepId: 'call-2',
      offsetDays: 30,
      dayKind: 'business',
      channel: 'call_task',
      level: 'call',
      template: 'call.account_manager',
    },
    {
      stepId: 'formal-notice',
      offsetDays: 35,
      dayKind: 'business',
      channel: 'formal_notice',
      level: 'formal_notice',
      template: 'formal_notice',
      requiresApproval: true,
    },
    {
      stepId: 'agency',
      offsetDays: 90,
      dayKind: 'calendar',
      channel: 'agency_handoff',
      level: 'agency_handoff',
      template: 'agency.handoff',
      requiresApproval: true,
    },
  ],
  lateInterest: 'l441_10',
  fixedIndemnity: true,
  promiseGraceDays: 5,
  gatherSeconds: 300,
});

const b2c: Policy = Policy.parse({
  policyId: 'b2c',
  version: 1,
  name: 'Particuliers',
  description:
    'Rappel avant échéance, relances à J+5 et J+15, dernière relance à J+30, mise en demeure 30 jours ouvrés après ' +
    'l’échéance : intérêts au taux légal à compter de la mise en demeure, pas d’indemnité forfaitaire de 40 €.',
  segment: 'b2c',
  steps: [
    {
      stepId: 'courtesy',
      offsetDays: -2,
      dayKind: 'calendar',
      channel: 'email',
      level: 'courtesy',
      template: 'reminder.courtesy',
    },
    {
      stepId: 'reminder-1',
      offsetDays: 5,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_1',
      template: 'reminder.first',
    },
    {
      stepId: 'reminder-2',
      offsetDays: 15,
      dayKind: 'calendar',
      channel: 'email',
      level: 'reminder_2',
      template: 'reminder.second',
    },
    {
      stepId: 'final-reminder',
      offsetDays: 30,
      dayKind: 'calendar',
      channel: 'email',
      level: 'final_reminder',
      template: 'reminder.final',
    },
    {
      stepId: 'formal-notice',
      offsetDays: 30,
      dayKind: 'business',
      channel: 'formal_notice',
      level: 'formal_notice',
      template: 'formal_notice',
      conditions: { minOpenCents: 3000 },
    },
    {
      stepId: 'agency',
      offsetDays: 75,
      dayKind: 'calendar',
      channel: 'agency_handoff',
      level: 'agency_handoff',
      template: 'agency.handoff',
      conditions: { minOpenCents: 10000 },
      requiresApproval: true,
    },
  ],
  lateInterest: 'legal_rate',
  fixedIndemnity: false,
  promiseGraceDays: 3,
  gatherSeconds: 300,
});

export const builtInPolicies: readonly Policy[] = Object.freeze([standard, keyAccount, b2c]);

export class UnknownPolicyError extends Error {
  constructor(readonly policyId: string) {
    super(`unknown dunning policy "${policyId}"`);
    this.name = 'UnknownPolicyError';
  }
}

/**
 * The policy of a customer: its explicit policyId if set (the latest version of that id among `policies`), else the
 * policy whose `segment` is the customer's segment, else 'standard'. Throws UnknownPolicyError when an explicit
 * policyId matches nothing (a typo must not silently fall back to another scenario).
 */
export function policyForCustomer(
  customer: Pick<Customer, 'policyId' | 'segment'>,
  policies: readonly Policy[] = builtInPolicies,
): Policy {
  const latest = (candidates: Policy[]) =>
    candidates.reduce<Policy | undefined>((best, p) => (!best || p.version > best.version ? p : best), undefined);
  if (customer.policyId) {
    const p = latest(policies.filter((x) => x.policyId === customer.policyId));
    if (!p) throw new UnknownPolicyError(customer.policyId);
    return p;
  }
  const bySegment = latest(policies.filter((x) => x.segment === (customer.segment ?? 'standard')));
  if (bySegment) return bySegment;
  const fallback = latest(policies.filter((x) => x.policyId === 'standard')) ?? builtInPolicies[0];
  return fallback;
}

/** A given version of a policy (a running workflow keeps the version it started with). */
export function findPolicyVersion(policies: readonly Policy[], policyId: string, version?: number): Policy | undefined {
  const same = policies.filter((p) => p.policyId === policyId);
  if (version === undefined)
    return same.reduce<Policy | undefined>((b, p) => (!b || p.version > b.version ? p : b), undefined);
  return same.find((p) => p.version === version);
}
