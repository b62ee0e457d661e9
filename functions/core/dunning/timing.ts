import type { IsoTimestamp } from '../dates';

/**
 * A step goes out in its planned window, or its history says why not (issue 14, point 6). The window opens at the
 * planned send time (the policy's window time on a business day, `plan.at`) and lasts SEND_WINDOW_HOURS: the gather
 * wait (at most an hour), the batch claim and a few retries fit in it (08:30–12:30 Paris for the standard window). A
 * send after it records, on its history event, how late it went and the reasons the system knows.
 */
export const SEND_WINDOW_HOURS = 4;

/**
 * Why a send went out after its window, as far as the system knows:
 * - step_ran_late: the step itself ran after the window (the workflow reached it late: an execution held up or retried
 *   before the send, a restart), `stepRanAt` says when;
 * - send_retried: the e-mail service refused earlier attempts (throttling, an error) and the send was tried again,
 *   `attempts` says how many times;
 * - unexplained: none of these (« retard non expliqué »).
 */
export type LateReason = 'step_ran_late' | 'send_retried' | 'unexplained';

export interface Lateness {
  /** Minutes after the planned opening of the window. */
  minutes: number;
  reasons: LateReason[];
  stepRanAt?: IsoTimestamp;
  attempts?: number;
}

/** What a send event records of its timing: the planned opening always, and the lateness when past the window. */
export interface SendTiming {
  plannedAt: IsoTimestamp;
  late?: Lateness;
}

export function windowEndOf(plannedAt: IsoTimestamp): number {
  return Date.parse(plannedAt) + SEND_WINDOW_HOURS * 3_600_000;
}

export function sendTiming(input: {
  plannedAt: IsoTimestamp;
  sentAt: IsoTimestamp;
  /** When the step enlisted the invoice in its batch (or acted). */
  stepRanAt?: IsoTimestamp;
  /** The send intent's attempt number (1 when the first attempt went out). */
  attempts?: number;
}): SendTiming {
  const { plannedAt, sentAt, stepRanAt, attempts } = input;
  const end = windowEndOf(plannedAt);
  if (Date.parse(sentAt) <= end) return { plannedAt };
  const reasons: LateReason[] = [];
  if (stepRanAt && Date.parse(stepRanAt) > end) reasons.push('step_ran_late');
  if (attempts !== undefined && attempts > 1) reasons.push('send_retried');
  if (reasons.length === 0) reasons.push('unexplained');
  return {
    plannedAt,
    late: {
      minutes: Math.round((Date.parse(sentAt) - Date.parse(plannedAt)) / 60_000),
      reasons,
      ...(reasons.includes('step_ran_late') ? { stepRanAt } : {}),
      ...(reasons.includes('send_retried') ? { attempts } : {}),
    },
  };
}
