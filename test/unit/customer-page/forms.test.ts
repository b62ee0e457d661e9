import { describe, expect, it } from 'vitest';
import {
  disputeFileTypeOf,
  disputeForm,
  type FormContext,
  formErrors,
  formErrorText,
  MAX_DISPUTE_FILE_BYTES,
  paidForm,
  promiseForm,
} from '../../../functions/core/customer-page';

const ctx: FormContext = {
  today: '2026-12-06',
  invoiceNumbers: ['F2024-001', 'F2024-007'],
  latestPromiseDate: '2027-01-05',
};

function refusals(result: { success: boolean; error?: unknown }): Record<string, string> {
  expect(result.success).toBe(false);
  return formErrors(result.error as never);
}

describe("the customer's forms", () => {
  it('reads "J’ai payé" with a French or English amount into integer cents', () => {
    expect(paidForm(ctx).parse({ formToken: 't', paidOn: '2026-12-05', amount: '1 234,56' })).toEqual({
      formToken: 't',
      paidOn: '2026-12-05',
      amount: 123456,
    });
    expect(paidForm(ctx).parse({ formToken: 't', paidOn: '2026-12-06', amount: '1,234.56 €' }).amount).toBe(123456);
    expect(paidForm(ctx).parse({ formToken: 't', paidOn: '2026-12-06', amount: '90' }).amount).toBe(9000);
  });

  it('refuses a payment in the future, over a year old, of no or a negative or a malformed amount', () => {
    expect(refusals(paidForm(ctx).safeParse({ formToken: 't', paidOn: '2026-12-07', amount: '10' }))).toEqual({
      paidOn: 'date_in_future',
    });
    expect(refusals(paidForm(ctx).safeParse({ formToken: 't', paidOn: '2025-12-01', amount: '10' }))).toEqual({
      paidOn: 'date_too_old',
    });
    for (const amount of ['0', '-10', '12,345', 'abc', '']) {
      expect(
        refusals(paidForm(ctx).safeParse({ formToken: 't', paidOn: '2026-12-01', amount })).amount,
        amount,
      ).toMatch(/bad_amount|required/);
    }
    expect(refusals(paidForm(ctx).safeParse({ formToken: 't', paidOn: '2026-02-30', amount: '1' }))).toEqual({
      paidOn: 'bad_date',
    });
    expect(refusals(paidForm(ctx).safeParse({ paidOn: '2026-12-01', amount: '1' }))).toEqual({ formToken: 'required' });
  });

  it('reads "Je conteste" for one of the customer’s invoices, with or without a file', () => {
    const file = { fileName: 'bon-de-livraison.pdf', contentType: 'application/pdf', sizeBytes: 120_000 };
    expect(
      disputeForm(ctx).parse({ formToken: 't', invoiceNumber: 'F2024-007', reason: '  Livraison incomplète ', file })
        .reason,
    ).toBe('Livraison incomplète');
    expect(disputeForm(ctx).parse({ formToken: 't', invoiceNumber: 'F2024-007', reason: 'x' }).file).toBeUndefined();
  });

  it('tells a dispute file’s type by its first bytes: PDF, JPEG and PNG, and nothing else', () => {
    const bytes = (...b: number[]) => Uint8Array.from([...b, 0, 0, 0]);
    expect(disputeFileTypeOf(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(disputeFileTypeOf(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(disputeFileTypeOf(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    for (const other of [Buffer.from('<html><script>'), Buffer.from('%PDF'), Buffer.from('MZ'), bytes(0xff, 0xd8)])
      expect(disputeFileTypeOf(other)).toBeUndefined();
  });

  it('refuses a dispute of another customer’s invoice, with no reason, a file over 4 MB or of another type', () => {
    expect(refusals(disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-999', reason: 'x' }))).toEqual({
      invoiceNumber: 'unknown_invoice',
    });
    expect(refusals(disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-001', reason: '   ' }))).toEqual(
      { reason: 'required' },
    );
    expect(
      refusals(disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-001', reason: 'x'.repeat(2001) })),
    ).toEqual({ reason: 'reason_too_long' });
    const big = { fileName: 'scan.pdf', contentType: 'application/pdf', sizeBytes: MAX_DISPUTE_FILE_BYTES + 1 };
    expect(
      refusals(disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-001', reason: 'x', file: big })),
    ).toEqual({ file: 'file_too_large' });
    const exe = { fileName: 'x.exe', contentType: 'application/x-msdownload', sizeBytes: 10 };
    expect(
      refusals(disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-001', reason: 'x', file: exe })),
    ).toEqual({ file: 'file_type' });
  });

  it('keeps a dispute reason over several lines and refuses one holding a control or bidirectional character', () => {
    const dispute = (reason: string) =>
      disputeForm(ctx).safeParse({ formToken: 't', invoiceNumber: 'F2024-001', reason });
    expect(dispute('Livraison incomplète :\r\n- 40 baguettes\r\n- 2 cartons').data?.reason).toBe(
      'Livraison incomplète :\r\n- 40 baguettes\r\n- 2 cartons',
    );
    for (const reason of ['livré\u0000', 'payé le \u202e5102', 'x\u2067y', 'a\u0085'])
      expect(refusals(dispute(reason)), JSON.stringify(reason)).toEqual({ reason: 'reason_hidden_character' });
    expect(formErrorText('reason_hidden_character', 'fr')).toMatch(/^Le motif contient un caractère invisible/);
    expect(formErrorText('reason_hidden_character', 'en')).toMatch(/^The reason holds an invisible character/);
  });

  it('reads "Je m’engage à payer le …" for a date after today up to the policy’s limit', () => {
    expect(promiseForm(ctx).parse({ formToken: 't', promisedFor: '2027-01-05' }).promisedFor).toBe('2027-01-05');
    expect(refusals(promiseForm(ctx).safeParse({ formToken: 't', promisedFor: '2026-12-06' }))).toEqual({
      promisedFor: 'date_not_after_today',
    });
    expect(refusals(promiseForm(ctx).safeParse({ formToken: 't', promisedFor: '2027-01-06' }))).toEqual({
      promisedFor: 'date_after_limit',
    });
    expect(refusals(promiseForm(ctx).safeParse({ formToken: 't', promisedFor: '06/01/2027' }))).toEqual({
      promisedFor: 'bad_date',
    });
  });

  it('words every refusal in the customer’s language, and nothing unknown leaks through', () => {
    expect(formErrorText('date_after_limit', 'fr')).toBe('Cette date est trop lointaine.');
    expect(formErrorText('date_after_limit', 'en')).toBe('This date is too far away.');
    expect(formErrorText('Invalid input: expected string', 'en')).toBe('This field is required.');
  });
});
