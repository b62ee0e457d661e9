import type { BalanceCheck, StatementEntry } from '../model/statement';

/** Opening + entries = closing when both balances are known; a mismatch is reported, never thrown. */
export function checkBalances(
  opening: number | undefined,
  closing: number | undefined,
  entries: readonly StatementEntry[],
): BalanceCheck {
  if (opening === undefined || closing === undefined) {
    const missing = [opening === undefined ? 'opening' : '', closing === undefined ? 'closing' : '']
      .filter(Boolean)
      .join(' and ');
    return { status: 'not-applicable', reason: `no ${missing} balance in the file` };
  }
  let expected = opening;
  for (const e of entries) expected += e.amountCents;
  if (expected === closing) return { status: 'ok' };
  return {
    status: 'mismatch',
    expectedClosingCents: expected,
    statedClosingCents: closing,
    differenceCents: closing - expected,
  };
}
