import { addDays } from '../../functions/core/dates';
import type { LocalStack } from './stack';

/**
 * The daily schedule of the local stack: the sweep runs now, then once per policy day at 06:00 UTC (07:00 or 08:00
 * in Paris, before the send window), as EventBridge Scheduler does. Policy time stands still while functions work,
 * so each run waits for its policy instant, not for a real delay. Returns when the first run is done; the later
 * ones go on until `stopped()` says so.
 */
export async function startDailySweeps(
  s: LocalStack,
  o: { log: (line: string) => void; stopped: () => boolean },
): Promise<void> {
  let lastLine = '';
  const sweep = async () => {
    let line: string;
    try {
      const result = (await s.invoke('sweep', s.scheduledEvent())) as Record<string, unknown> | undefined;
      // A day with nothing started, resumed or failed is not worth a line.
      const idle =
        result &&
        ['started', 'resumed', 'failures'].every(
          (k) => Array.isArray(result[k]) && (result[k] as unknown[]).length === 0,
        );
      if (idle) return;
      line = `daily sweep: ${JSON.stringify(result ?? null).slice(0, 300)}`;
    } catch (err) {
      const e = err as Error;
      line = `daily sweep threw ${e.name}: ${e.message}`;
    }
    // The same line every policy day is noise: print it once.
    if (line !== lastLine) o.log(line);
    lastLine = line;
  };
  const nextDay = () => {
    const next = new Date(`${addDays(s.clock.now().toISOString().slice(0, 10), 1)}T06:00:00.000Z`);
    const wait = () =>
      setTimeout(
        async () => {
          if (o.stopped()) return;
          if (s.clock.now() < next) return wait();
          await sweep();
          if (!o.stopped()) nextDay();
        },
        Math.min(Math.ceil(s.clock.toRealDelayMs(next)) + 1, 1000),
      ).unref();
    wait();
  };
  await sweep();
  nextDay();
}
