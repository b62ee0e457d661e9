import { describe, expect, it } from 'vitest';
import { CUT_MARK, ENTRY_TEXT_BOUNDS, storableEntry } from '../../../functions/core/ingest/storable';
import type { StatementEntry } from '../../../functions/core/model';

const entry = (extra: Partial<StatementEntry> = {}): StatementEntry => ({
  index: 0,
  bookingDate: '2026-11-02',
  amountCents: 120_00,
  currency: 'EUR',
  bankCodes: [],
  label: 'VIR SEPA DUPONT',
  counterpartyName: 'DUPONT SARL',
  remittance: { unstructured: ['FA-2026-0042'], structured: [] },
  reversal: false,
  raw: ['line 1', 'line 2'],
  ...extra,
});

describe('an entry as it can be stored (one item of at most 400 KB)', () => {
  it('is left as it is, the same object, when its texts are within the bounds', () => {
    const e = entry();
    expect(storableEntry(e)).toEqual({ entry: e, cutChars: 0 });
    expect(storableEntry(e).entry).toBe(e);
  });

  it('cuts a long label and payer name, keeping their beginning and saying so', () => {
    const long = `VIR FA-2026-0042 ${'X'.repeat(5_000)}`;
    const { entry: e, cutChars } = storableEntry(entry({ label: long, counterpartyName: long }));
    expect(e.label).toBe(long.slice(0, ENTRY_TEXT_BOUNDS.text) + CUT_MARK);
    expect(e.counterpartyName).toBe(e.label);
    expect(cutChars).toBe(2 * (long.length - ENTRY_TEXT_BOUNDS.text));
  });

  it('keeps the first remittance lines within their bound and leaves out the rest, counted', () => {
    const lines = Array.from({ length: 400 }, (_, k) => `FA-2026-${String(k).padStart(4, '0')} ${'R'.repeat(130)}`);
    const { entry: e, cutChars } = storableEntry(entry({ remittance: { unstructured: lines, structured: [] } }));
    const kept = e.remittance.unstructured;
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(kept.join('').length).toBeLessThanOrEqual(ENTRY_TEXT_BOUNDS.remittance);
    expect(cutChars).toBe(lines.slice(kept.length).join('').length);
  });

  it('keeps the raw lines within their bound, the last one cut, then says how much more the file holds', () => {
    const raw = ['A'.repeat(10_000), 'B'.repeat(10_000), 'C'.repeat(10_000)];
    const { entry: e, cutChars } = storableEntry(entry({ raw }));
    expect(e.raw).toEqual([
      'A'.repeat(10_000),
      'B'.repeat(ENTRY_TEXT_BOUNDS.raw - 10_000),
      `[… ${cutChars} caractères de plus dans le fichier du relevé]`,
    ]);
    expect(cutChars).toBe(30_000 - ENTRY_TEXT_BOUNDS.raw);
  });

  it('stays far below 400 KB whatever the texts, four-byte characters included', () => {
    const emoji = '😀'.repeat(300_000);
    const { entry: e } = storableEntry(
      entry({
        label: emoji,
        counterpartyName: emoji,
        remittance: { unstructured: [emoji, emoji], structured: [emoji] },
        raw: [emoji, emoji],
      }),
    );
    expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(200 * 1024);
    expect(e.label).toBe('😀'.repeat(1_000) + CUT_MARK);
    expect(`${e.label}${e.raw.join('')}`).not.toMatch(/\p{Cs}/u); // no emoji cut in two
  });
});
