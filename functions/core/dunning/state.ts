import { z } from 'zod';
import { IsoTimestamp } from '../dates';

/**
 * The state object of the per-invoice dunning workflow (see lib/README.md, 'The dunning state machine'). Every Lambda
 * task
 * receives the whole state and returns the whole new state; the Choice states read `plan.action` and `outcome`.
 */
export const StepOutcome = z.enum(['acted', 'enlisted', 'paused', 'stopped', 'skipped', 'sent', 'rescheduled']);
export type StepOutcome = z.infer<typeof StepOutcome>;

export const DunningPlan = z.object({
  action: z.enum(['wait', 'end']),
  at: IsoTimestamp.optional(),
  stepId: z.string().optional(),
  reason: z.string().optional(),
});
export type DunningPlan = z.infer<typeof DunningPlan>;

export const DunningState = z.object({
  invoiceId: z.string().min(1).max(64),
  /** The policy pinned on the first run; a running workflow keeps it (the history says when it switches). */
  policyId: z.string().optional(),
  policyVersion: z.number().int().optional(),
  doneStepIds: z.array(z.string()).default([]),
  plan: DunningPlan.optional(),
  outcome: StepOutcome.optional(),
  gatherSeconds: z.number().int().nonnegative().optional(),
  /** The pk of the send-window batch the invoice is enlisted in (DISPATCH#<customer>#<window>#<kind>). */
  dispatchKey: z.string().optional(),
  /** A step that needs a person's approval (agency handoff of a key account): resuming the workflow approves it. */
  awaitingApprovalStepId: z.string().optional(),
  approvedStepIds: z.array(z.string()).optional(),
  /** When the last step acted (sent, enlisted-and-sent, handed off): spacing of the next step counts from it. */
  lastActionAt: IsoTimestamp.optional(),
  /**
   * Follows the work that started or resumed the workflow (a statement, an API request, a sweep) into logs and e-mails.
   */
  correlationId: z.string().min(1).max(128).optional(),
});
export type DunningState = z.infer<typeof DunningState>;
/** What a caller writes: the defaulted fields may be left out. */
export type DunningStateInput = z.input<typeof DunningState>;

/** The done steps with `stepId` added (once). */
export function withDone(state: DunningState, stepId: string): string[] {
  return state.doneStepIds.includes(stepId) ? state.doneStepIds : [...state.doneStepIds, stepId];
}

/** The note a pause for approval carries, so a retried step recognises its own pause. */
export const approvalNote = (stepId: string) => `approval:${stepId}`;

/**
 * The step a pause waits for the approval of: only a pause by hand (the one the dunning sets) carries it. A dispute or
 * promise note is typed by a person or a customer: one reading "approval:agency" approves nothing.
 */
export function approvalStepOf(pause: { reason: string; note?: string } | undefined): string | undefined {
  const prefix = approvalNote('');
  return pause?.reason === 'manual' && pause.note?.startsWith(prefix) ? pause.note.slice(prefix.length) : undefined;
}

/** Execution input: {"invoiceId": "..."} is a valid state. */
export function parseState(input: unknown): DunningState {
  return DunningState.parse(input);
}
