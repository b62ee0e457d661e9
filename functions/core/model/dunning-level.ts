import { z } from 'zod';

/** The dunning levels ("niveaux de relance"), from the courtesy reminder to the agency handoff. */
export const DunningLevel = z.enum([
  'courtesy',
  'reminder_1',
  'reminder_2',
  'final_reminder',
  'formal_notice',
  'agency_handoff',
  'call',
]);
export type DunningLevel = z.infer<typeof DunningLevel>;

/** The levels in order of firmness (a call comes right after the courtesy reminder). */
const levelOrder: readonly DunningLevel[] = [
  'courtesy',
  'call',
  'reminder_1',
  'reminder_2',
  'final_reminder',
  'formal_notice',
  'agency_handoff',
];

export function levelRank(level: DunningLevel): number {
  return levelOrder.indexOf(level);
}

/** The levels strictly lower than `level`: those an invoice may be raised from to `level`. */
export function levelsBelow(level: DunningLevel): DunningLevel[] {
  return levelOrder.slice(0, levelRank(level));
}
