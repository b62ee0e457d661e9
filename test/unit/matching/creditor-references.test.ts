import { describe, expect, it } from 'vitest';
import { type MatchableTransaction, matchTransactions } from '../../../functions/core/matching';
import { glueCreditorReferences } from '../../../functions/core/matching/reference-index';
import { creditorReferenceFor, formatCreditorReference } from '../../../functions/core/payments/creditor-reference';
import { parseStatementFile } from '../../../functions/core/statements';
import { writeStatementFile } from '../../../functions/core/statements/writers/index';
import { allocations, book, credit, customers, invoice } from './fixtures';

const matchOne = (t: MatchableTransaction, invoices = book) =>
  matchTransactions({ invoices, customers, transactions: [t] })[0];
const rf = (id: string) => creditorReferenceFor(id)!;
const knownPayer = { counterpartyName: 'BOULANGERIE DUPONT ET FILS', counterpartyIban: 'FR7630006000011234567890189' };

describe('a payment made from the QR code carries the RF creditor reference of its invoice', () => {
  it.each([
    ['as the structured reference', { remittance: { unstructured: [], structured: [rf('F2024-00124')] } }],
    ['in the remittance text', { remittance: { unstructured: [rf('F2024-00124')], structured: [] } }],
    ['as the end-to-end id', { endToEndId: rf('F2024-00124') }],
    [
      'in the label, printed in groups of four',
      { label: `VIR SEPA RECU ${formatCreditorReference(rf('F2024-00124'))}` },
    ],
  ])('and is lettered automatically when found %s with the exact amount', (_where, fields) => {
    const r = matchOne(credit(480.5, fields as Partial<MatchableTransaction>));
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00124=48050']);
  });

  it('is read from a CFONB complement (RCN) once the file is parsed', () => {
    const entry = {
      index: 0,
      bookingDate: '2024-03-01',
      amountCents: 48050,
      currency: 'EUR',
      bankCodes: [],
      label: 'VIR SEPA RECU DUPONT',
      remittance: { unstructured: [], structured: [rf('F2024-00124')] },
      reversal: false,
      raw: [],
    };
    const statement = {
      format: 'cfonb120' as const,
      account: { bankCode: '30006', branchCode: '00001', accountNumber: '12345678901' },
      currency: 'EUR',
      periodStart: '2024-03-01',
      periodEnd: '2024-03-01',
      openingBalanceCents: 0,
      closingBalanceCents: 48050,
      entries: [entry],
      balanceCheck: { status: 'ok' as const },
    };
    const [parsed] = parseStatementFile(new TextEncoder().encode(writeStatementFile('cfonb120', [statement])))
      .statements[0].entries;
    const r = matchOne({ ...parsed, transactionId: 'T-CFONB' });
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['F2024-00124=48050']);
  });

  it('is read whatever the number of groups of four it is printed in', () => {
    const long = invoice('FA-2026-000123456', 'C1', 77);
    const printed = formatCreditorReference(rf('FA-2026-000123456'));
    expect(printed.split(' ').length).toBeGreaterThan(4);
    const r = matchOne(credit(77, { remittance: { unstructured: [`REGLEMENT ${printed} MERCI`], structured: [] } }), [
      ...book,
      long,
    ]);
    expect(r.status).toBe('matched');
    expect(allocations(r)).toEqual(['FA-2026-000123456=7700']);
  });

  it(
    'with a check digit that fails is a suggestion, never a match, even from a known payer at the exact ' + 'amount',
    () => {
      const good = rf('F2024-00124');
      const bad = `${good.slice(0, 2)}${String((Number(good.slice(2, 4)) + 1) % 100).padStart(2, '0')}${good.slice(4)}`;
      const r = matchOne(credit(480.5, { ...knownPayer, remittance: { unstructured: [], structured: [bad] } }));
      expect(r.status).toBe('suggested');
      expect(r.suggestions[0].allocations.map((a) => a.invoiceId)).toEqual(['F2024-00124']);
    },
  );

  it('whose check digits hold decides alone only when the amount agrees', () => {
    // a digit typed for a letter can keep the check digits right and name another invoice: the amount must say so too
    const r = matchOne(
      credit(300, { ...knownPayer, remittance: { unstructured: [], structured: [rf('F2024-00124')] } }),
    );
    expect(r.status).toBe('suggested');
    expect(r.reasons.join(' ')).toMatch(/RF creditor reference/);
  });

  it('printed by four is glued only where its check digits hold', () => {
    const printed = formatCreditorReference(rf('FA-2026-000123456'));
    expect(glueCreditorReferences(`${printed} FA12`)).toBe(`${rf('FA-2026-000123456')} FA12`);
    expect(glueCreditorReferences('RF00 1234 5678')).toBe('RF00 1234 5678');
  });
});
