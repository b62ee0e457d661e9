import { describe, expect, it } from 'vitest';
import { type OpenBytes, parseStatementFile, parseStatementStream } from '../../../functions/core/statements/index';
import { ofxReader, parseOfx } from '../../../functions/core/statements/ofx';
import { parseError } from './errors';
import { bytes } from './helpers';

// The OFX reader reads one chunk of text at a time (the ingest's stream): whatever the cuts, the result is the whole
// text's, and what the SGML of OFX 1.x and the XML of OFX 2.x say is read the same.

const trnSgml = (id: string, amount: string, memo: string) =>
  `<STMTTRN>\r\n<TRNTYPE>OTHER\r\n<DTPOSTED>20240113\r\n<TRNAMT>${amount}\r\n<FITID>${id}\r\n` +
  `<NAME>VIR ${id}\r\n<MEMO>${memo}\r\n</STMTTRN>\r\n`;
const trnXml = (id: string, amount: string, memo: string) =>
  `<STMTTRN><TRNTYPE>OTHER</TRNTYPE><DTPOSTED>20240113</DTPOSTED><TRNAMT>${amount}</TRNAMT><FITID>${id}</FITID>` +
  `<NAME>VIR ${id}</NAME><MEMO>${memo}</MEMO></STMTTRN>\n`;

const sgml =
  'OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX>\r\n<!-- a comment <with> a tag -->\r\n' +
  '<BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR\r\n<BANKACCTFROM><BANKID>30003<ACCTID>00012345678</BANKACCTFROM>\r\n' +
  `<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\r\n${trnSgml('A1', '12.50', 'Facture FA-1 &amp; FA-2')}` +
  `${trnSgml('A2', '-3,20', 'Frais')}</BANKTRANLIST>\r\n<LEDGERBAL><BALAMT>9.30<DTASOF>20240131</LEDGERBAL>\r\n` +
  '</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n';
const xml =
  '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n<OFX><BANKMSGSRSV1><STMTTRNRS>' +
  '<STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM><BANKID>30003</BANKID><ACCTID>00012345678</ACCTID></BANKACCTFROM>\n' +
  `<BANKTRANLIST><DTSTART>20240101</DTSTART><DTEND>20240131</DTEND>\n` +
  `${trnXml('A1', '12.50', '<![CDATA[Facture FA-1 & FA-2]]>')}${trnXml('A2', '-3,20', 'Frais')}</BANKTRANLIST>\n` +
  '<LEDGERBAL><BALAMT>9.30</BALAMT><DTASOF>20240131</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n';

/** The text cut in pieces of `size` characters, read by one reader. */
function inPieces(text: string, size: number) {
  const reader = ofxReader();
  for (let at = 0; at < text.length; at += size) reader.write(text.slice(at, at + size));
  return reader.end();
}

const withoutRaw = (text: string) =>
  parseOfx(text).map((s) => ({ ...s, entries: s.entries.map(({ raw, ...e }) => e) }));

describe('OFX read one chunk at a time', () => {
  it('SGML without closing tags and XML (with CDATA and entities) read as the same statement', () => {
    expect(withoutRaw(sgml)).toEqual(withoutRaw(xml));
    const [st] = parseOfx(sgml);
    expect(st.entries.map((e) => [e.bankReference, e.amountCents, e.remittance.unstructured])).toEqual([
      ['A1', 1_250, ['Facture FA-1 & FA-2']],
      ['A2', -320, ['Frais']],
    ]);
    expect(st.entries[1].raw[0]).toBe(trnSgml('A2', '-3,20', 'Frais').trimEnd());
  });

  it('reads the same whatever the size of the pieces, down to one character (cut in tags, CDATA, comments)', () => {
    for (const text of [sgml, xml]) {
      const whole = parseOfx(text);
      for (let size = 1; size <= 80; size++) expect(inPieces(text, size)).toEqual(whole);
    }
  });

  it('says a file cut anywhere is truncated or names the same error as the whole text, in pieces too', () => {
    for (let cut = 1; cut < xml.length; cut += 7) {
      const text = xml.slice(0, cut);
      let whole: unknown;
      try {
        whole = parseOfx(text);
      } catch (e) {
        whole = e;
      }
      let pieces: unknown;
      try {
        pieces = inPieces(text, 5);
      } catch (e) {
        pieces = e;
      }
      expect(pieces).toEqual(whole);
    }
  });

  it('reports a file cut before </OFX> as truncated even when a transaction in it is wrong', () => {
    const text = xml.replace('<TRNAMT>12.50', '<TRNAMT>12.5.0').slice(0, xml.indexOf('<LEDGERBAL>'));
    expect(parseError(bytes(text)).code).toBe('truncated');
    expect(parseError(bytes(xml.replace('<TRNAMT>12.50', '<TRNAMT>12.5.0'))).code).toBe('invalid_amount');
  });

  it('names the line of a transaction in error even after the text before it was let go', () => {
    const many = Array.from({ length: 300 }, (_, i) => trnXml(`B${i}`, '1.00', 'x')).join('');
    const text = xml.replace(
      '</BANKTRANLIST>',
      `${many.replace('<TRNAMT>1.00</TRNAMT><FITID>B250<', '<FITID>B250<')}</BANKTRANLIST>`,
    );
    const e = parseError(bytes(text));
    expect(e).toMatchObject({ code: 'missing_field', line: 257 });
    expect(() => inPieces(text, 333)).toThrow(expect.objectContaining({ code: 'missing_field', line: 257 }));
  });

  it('gives a lower-case OFX transaction its own source as raw', () => {
    const [st] = parseOfx(xml.replace(/<(\/?)([A-Z]+)>/g, (_, s: string, n: string) => `<${s}${n.toLowerCase()}>`));
    expect(st.entries.map((e) => e.raw[0])).toEqual([
      trnXml('A1', '12.50', '<![CDATA[Facture FA-1 & FA-2]]>')
        .replace(/<(\/?)([A-Z]+)>/g, (_, s, n) => `<${s}${n.toLowerCase()}>`)
        .trimEnd(),
      trnXml('A2', '-3,20', 'Frais')
        .replace(/<(\/?)([A-Z]+)>/g, (_, s, n) => `<${s}${n.toLowerCase()}>`)
        .trimEnd(),
    ]);
  });

  it('keeps at most maxEntries entries of a streamed OFX file (and the first of each statement)', async () => {
    const many = (p: string, n: number) =>
      Array.from({ length: n }, (_, i) => trnXml(`${p}${i}`, '1.00', 'x')).join('');
    const file = bytes(
      xml
        .replace('</BANKTRANLIST>', `${many('B', 40)}</BANKTRANLIST>`)
        .replace(
          '</BANKMSGSRSV1>',
          `<STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM><ACCTID>2</ACCTID></BANKACCTFROM><BANKTRANLIST>` +
            `${many('C', 30)}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>`,
        ),
    );
    const open: OpenBytes = async function* () {
      for (let at = 0; at < file.length; at += 300) yield file.slice(at, at + 300);
    };
    const capped = await parseStatementStream(open, { maxEntries: 25 });
    expect(capped.statements.map((s) => s.entries.length)).toEqual([25, 1]);
    expect(capped.omittedEntries).toBe(42 + 30 - 26);
    const all = parseStatementFile(file).statements;
    expect(capped.statements[0].entries).toEqual(all[0].entries.slice(0, 25));
    expect(capped.statements[1].entries).toEqual(all[1].entries.slice(0, 1));
  });

  it('reads STMTTRNs without end tags, one outside a list, unsigned DEBITs, alike in pieces of any size', async () => {
    const open = (id: string, type: string, amount: string) =>
      `<STMTTRN>\r\n<TRNTYPE>${type}\r\n<DTPOSTED>20240113\r\n<TRNAMT>${amount}\r\n<FITID>${id}\r\n`;
    const text = sgml
      .replace(/<\/STMTTRN>\r\n/g, '')
      .replace('-3,20', '3,20')
      .replace('<BANKTRANLIST>', `${open('B0', 'DEBIT', '1.00')}</STMTTRN><BANKTRANLIST>`)
      .replace('</BANKTRANLIST>', `${open('B1', 'debit', '2.00')}${open('B2', 'CREDIT', '4.00')}</BANKTRANLIST>`);
    const [st] = parseOfx(text);
    expect(st.entries.map((e) => [e.bankReference, e.amountCents])).toEqual([
      ['B0', -100],
      ['A1', 1_250],
      ['A2', 320],
      ['B1', -200],
      ['B2', 400],
    ]);
    for (let size = 1; size <= 60; size++) expect(inPieces(text, size)).toEqual([st]);
    const file = bytes(text);
    const capped = await parseStatementStream(
      async function* () {
        for (let at = 0; at < file.length; at += 50) yield file.slice(at, at + 50);
      },
      { maxEntries: 3 },
    );
    expect(capped.statements[0].entries).toEqual(st.entries.slice(0, 3));
  });

  it('ends a streamed file of unclosed comments and processing instructions as truncated, read in small pieces', () => {
    expect(() => inPieces(`<OFX>${'<!--'.repeat(20_000)}`, 64)).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => inPieces(`<OFX>${'<?x '.repeat(20_000)}`, 64)).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => inPieces(`<OFX>${'x'.repeat(100_000)}`, 64)).toThrow(expect.objectContaining({ code: 'truncated' }));
  });
});
