import { z } from 'zod';
import { now } from '../adapters/clock';
import { lambda } from '../runtime';
import { runSweep, type SweepReport } from './run';

export type { SweepReport } from './run';

/** EventBridge Scheduler's input ({source, kind, scheduledTime}) or an EventBridge "Scheduled Event" ({time}). */
const SweepEvent = z.object({ scheduledTime: z.string().optional(), time: z.string().optional() }).passthrough();

/**
 * The daily sweep: starts the workflow of every owed invoice entering its policy's window, resumes broken payment
 * promises, withdraws agency cases paid since, and e-mails finance the digest on days with something to report
 * (planSweep in core decides; runSweep reads and acts, a few invoices at a time).
 */
export const handler = lambda(
  {
    name: 'sweep',
    settings: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'SENDER_EMAIL', 'FINANCE_EMAILS', 'AGENCY_EMAIL', 'HOLIDAY_CALENDAR'],
    event: SweepEvent,
  },
  async (_event, log): Promise<SweepReport> => runSweep(now(), log),
);
