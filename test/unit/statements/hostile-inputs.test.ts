import { describe, expect, it } from 'vitest';
import { ParsedStatementFile, type StatementFormat } from '../../../functions/core/model/statement';
import { parseStatementFile, StatementParseError } from '../../../functions/core/statements/index';
import { bytes } from './helpers';

function ends(input: string, format?: StatementFormat): 'parsed' | string {
  try {
    ParsedStatementFile.parse(parseStatementFile(bytes(input), format ? { format } : {}));
    return 'parsed';
  } catch (e) {
    if (e instanceof StatementParseError) return e.code;
    throw e;
  }
}

// Inputs shaped to make a careless parser go quadratic or recurse: each must simply end, parsed or refused.
describe('hostile inputs end in a parsed file or a typed error', () => {
  it('OFX with thousands of unclosed comments, processing instructions and nested aggregates', () => {
    expect(ends(`OFXHEADER:100\n<OFX>${'<!--'.repeat(20_000)}`)).toBe('truncated');
    expect(ends(`<OFX>${'<?x '.repeat(20_000)}`, 'ofx')).toBe('truncated');
    expect(ends(`<OFX>${'<A>'.repeat(20_000)}${'</B>'.repeat(20_000)}`, 'ofx')).toBe('corrupt');
  });

  it('CSV with a stray quote at the top of many lines', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `13/01/2024;VIR ${i};1,00`).join('\n');
    expect(['parsed', 'invalid_date', 'invalid_amount']).toContain(
      ends(`Date;Libellé;Montant\n13/01/2024;"VIR;1,00\n${rows}`),
    );
  });

  it('deeply nested XML in a camt file', () => {
    const deep = `${'<X>'.repeat(5_000)}${'</X>'.repeat(5_000)}`;
    const doc =
      `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>` +
      `<Ntry>${deep}</Ntry></Stmt></BkToCstmrStmt></Document>`;
    expect(ends(doc)).toBe('missing_field');
  });

  it('an MT940 :86: of 100,000 sub-fields and a :61: line of 200,000 characters', () => {
    const head = ':20:X\n:25:517852257\n:60F:C240101EUR0,00\n';
    expect(ends(`${head}:61:2401010101C1,00NTRFNONREF\n:86:${'?20A'.repeat(100_000)}\n:62F:C240101EUR1,00\n-`)).toBe(
      'parsed',
    );
    expect(ends(`${head}:61:2401010101C1,00NTRF${'9'.repeat(200_000)}\n:62F:C240101EUR1,00\n-`)).toBe('parsed');
  });

  it('a CFONB file of 5,000 records with no line break whose last record is cut', () => {
    const record = `04${'3'.repeat(118)}`;
    expect(ends(`01${'0'.repeat(118)}${record.repeat(5_000)}0412`, 'cfonb120')).toBe('truncated');
  });
});
