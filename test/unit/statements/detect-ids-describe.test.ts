import { describe, expect, it } from 'vitest';
import type { StatementEntry } from '../../../functions/core/model/statement';
import {
  assignTransactionIds,
  describeStatement,
  detectFormat,
  parseStatementFile,
  transactionId,
} from '../../../functions/core/statements/index';
import { parseError } from './errors';
import { bytes, fixture } from './helpers';

describe('format detection reads the content, not the file name', () => {
  const cases: Array<[string, string]> = [
    ['oca-cfonb-classic.cfo', 'cfonb120'],
    ['oca-cfonb-no-line-breaks.cfo', 'cfonb120'],
    ['abnamro.sta', 'mt940'],
    ['camt053-v02-batch.xml', 'camt053'],
    ['camt054-v08.xml', 'camt054'],
    ['ofx1-sgml-latin1.ofx', 'ofx'],
    ['ofx2-xml.ofx', 'ofx'],
    ['csv-ca-latin1.csv', 'csv'],
    ['csv-tab-solde-desc.tsv', 'csv'],
  ];
  for (const [file, format] of cases) {
    it(`${file} is ${format}, even when named statement.csv`, () => {
      expect(parseStatementFile(fixture(file), { fileName: 'statement.csv' }).format).toBe(format);
    });
  }

  it('an unknown format is a clear unknown_format error naming the file', () => {
    const e = parseError(bytes('Bonjour,\nvoici le relevé demandé.\nCordialement'), { fileName: 'releve.txt' });
    expect(e.code).toBe('unknown_format');
    expect(e.message).toContain('releve.txt');
    expect(detectFormat('<html><body>not a statement</body></html>')).toBeUndefined();
  });

  it('an empty file and a binary file are told apart', () => {
    expect(parseError(new Uint8Array()).code).toBe('empty');
    expect(parseError(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08])).code).toBe('encoding');
  });

  it('decodes UTF-8 with a BOM and falls back to latin-1 when the bytes are not UTF-8', () => {
    const text = 'Date;Libellé;Montant\n13/01/2024;Réglement façade;12,00\n';
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes(text)]);
    expect(parseStatementFile(bom).statements[0].entries[0].label).toBe('Réglement façade');
    const latin = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(parseStatementFile(latin).statements[0].entries[0].label).toBe('Réglement façade');
  });
});

const entry = (over: Partial<StatementEntry>): StatementEntry => ({
  index: 0,
  bookingDate: '2024-01-13',
  amountCents: -1_999,
  currency: 'EUR',
  bankCodes: [],
  label: 'PRLV SEPA FREE MOBILE',
  remittance: { unstructured: [], structured: [] },
  reversal: false,
  raw: [],
  ...over,
});

describe('transaction ids', () => {
  const account = { iban: 'FR7630003012340123456789057' };

  it(
    'identify a movement by account, booking date, amount, reference and rank: a reference reused on another day ' +
      'is another movement',
    () => {
      const ids = assignTransactionIds({
        account,
        entries: [entry({ bankReference: 'A1' }), entry({ bankReference: 'A1', bookingDate: '2024-01-15' })],
      });
      expect(ids.map((i) => i.occurrenceRank)).toEqual([0, 0]);
      expect(ids[0].transactionId).toMatch(/^FR7630003012340123456789057:2024-01-13:[0-9a-f]{32}$/);
      expect(ids[1].transactionId).toMatch(/^FR7630003012340123456789057:2024-01-15:/);
    },
  );

  it(
    'tell two identical direct debits on the same day apart by their occurrence rank, the same way on every ' + 'read',
    () => {
      const entries = [entry({}), entry({})];
      const first = assignTransactionIds({ account, entries });
      expect(first.map((i) => i.occurrenceRank)).toEqual([0, 1]);
      expect(first[0].transactionId).not.toBe(first[1].transactionId);
      expect(assignTransactionIds({ account, entries }).map((i) => i.transactionId)).toEqual(
        first.map((i) => i.transactionId),
      );
    },
  );

  it('take NONREF and other placeholders for no reference: movements are then told apart by their texts', () => {
    const ids = assignTransactionIds({
      account,
      entries: [
        entry({ bankReference: 'NONREF' }),
        entry({ bankReference: 'nonref', label: 'PRLV SEPA ORANGE' }),
        entry({ bankReference: 'NOTPROVIDED' }),
      ],
    });
    expect(ids.map((i) => i.occurrenceRank)).toEqual([0, 0, 1]);
    expect(new Set(ids.map((i) => i.transactionId)).size).toBe(3);
    expect(ids[0].transactionId).toBe(transactionId(account, entry({}), 0));
  });

  it('give the same id to the same transaction read from an overlapping statement', () => {
    const a = assignTransactionIds({ account, entries: [entry({ label: 'VIR X', amountCents: 100 }), entry({})] });
    const b = assignTransactionIds({ account, entries: [entry({})] });
    expect(b[0].transactionId).toBe(a[1].transactionId);
  });

  it('depend on the account, the amount, the date and the label', () => {
    const base = transactionId(account, entry({}), 0);
    expect(transactionId({ iban: 'FR1420041010050500013M02606' }, entry({}), 0)).not.toBe(base);
    expect(transactionId(account, entry({ amountCents: -2_000 }), 0)).not.toBe(base);
    expect(transactionId(account, entry({ bookingDate: '2024-01-14' }), 0)).not.toBe(base);
    expect(transactionId(account, entry({ label: 'PRLV SEPA ORANGE' }), 0)).not.toBe(base);
    expect(transactionId(account, entry({ label: ' prlv  sepa free mobile ' }), 0)).toBe(base);
  });

  it('never change: an id stored from an earlier file must be found again when the same movement is read', () => {
    const ids = assignTransactionIds({
      account,
      entries: [
        entry({}),
        entry({
          bankReference: 'NONREF',
          label: '  Règlement  facture\tFA-2024-001 ',
          counterpartyName: 'Société Générale',
          remittance: { unstructured: ['Ref client 42', 'merci'], structured: ['RF18539007547034'] },
        }),
        entry({ bankReference: 'abc-123', amountCents: 125_000 }),
        entry({}),
      ],
    }).map((i) => i.transactionId.slice('FR7630003012340123456789057:2024-01-13:'.length));
    // computed by the first implementation (sha-256 through createHash, texts normalised without a fast path)
    expect(ids).toEqual([
      'a978d20b0c35cdf82377c6a37690b6d0',
      '9e491fe3218744310036860870a4e914',
      '26ef7626fe9df771366012c70a4c9914',
      '057e800b7586070f9f3d0b780214b3a3',
    ]);
  });

  it('ids of all the third-party CFONB sample are unique', () => {
    const [st] = parseStatementFile(fixture('oca-cfonb-classic.cfo')).statements;
    const ids = assignTransactionIds(st).map((i) => i.transactionId);
    expect(new Set(ids).size).toBe(13);
  });
});

describe('describeStatement, for recon parse', () => {
  it('prints the account, balances, the check and every entry with its references', () => {
    const text = describeStatement(parseStatementFile(fixture('abnamro.sta')));
    expect(text).toContain('Format: mt940, 2 statement(s)');
    expect(text).toContain('Opening balance: 3236.28   Closing balance: 876.84');
    expect(text).toContain('Balance check: MISMATCH: expected 2914.84, stated 876.84, difference -2038.00');
    expect(text).toContain('-107.00 EUR');
    expect(text).toContain('text: INCL. 1,44 BTW');
  });

  it('speaks French on request', () => {
    const text = describeStatement(parseStatementFile(fixture('oca-cfonb-classic.cfo')), {
      language: 'fr',
      maxEntries: 2,
    });
    expect(text).toContain('Solde initial: 1017311.89');
    expect(text).toContain('Contrôle des soldes: OK');
    expect(text).toContain('Opérations: 13 (9 crédits 17968.57, 4 débits -3694.67)');
    expect(text).toContain('... 11 de plus');
  });
});
