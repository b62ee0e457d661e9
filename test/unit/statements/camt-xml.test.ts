import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CamtResult, camtReader, parseCamt } from '../../../functions/core/statements/camt';
import { StatementParseError } from '../../../functions/core/statements/index';

const NS = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';

/** A one-entry camt.053 around `entry` (the inside of an Ntry), with an optional namespace prefix. */
function statement(entry: string, prefix = ''): string {
  const p = prefix ? `${prefix}:` : '';
  const tag = (xml: string) => xml.replace(/<(\/?)([A-Za-z])/g, `<$1${p}$2`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${p}Document xmlns${prefix ? `:${prefix}` : ''}="${NS}">` +
    tag(
      '<BkToCstmrStmt><Stmt><Id>S1</Id>' +
        '<Acct><Id><IBAN>FR7630003012340001234567854</IBAN></Id><Ccy>EUR</Ccy></Acct>' +
        `<Ntry>${entry}</Ntry></Stmt></BkToCstmrStmt>`,
    ) +
    `</${p}Document>`
  );
}

const BASE = '<Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-05-02</Dt></BookgDt>';
const withText = (ustrd: string) =>
  statement(`${BASE}<NtryDtls><TxDtls><RmtInf><Ustrd>${ustrd}</Ustrd></RmtInf></TxDtls></NtryDtls>`);

function only(xml: string) {
  const [st] = parseCamt(xml).statements;
  expect(st.entries).toHaveLength(1);
  return st.entries[0];
}

function failure(xml: string): StatementParseError {
  try {
    parseCamt(xml);
  } catch (e) {
    if (e instanceof StatementParseError) return e;
    throw e;
  }
  throw new Error('expected a StatementParseError');
}

function inChunks(xml: string, cuts: number[]): CamtResult {
  const reader = camtReader();
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.write(xml.slice(from, cut));
    from = cut;
  }
  reader.write(xml.slice(from));
  return reader.end();
}

describe('camt XML as banks write it', () => {
  it('reads remittance text given in CDATA, with its markup characters kept', () => {
    expect(only(withText('<![CDATA[FACTURE <FA-1> & co]]>')).remittance.unstructured).toEqual(['FACTURE <FA-1> & co']);
    expect(only(withText('FACT <![CDATA[FA-2]]> PAYEE')).remittance.unstructured).toEqual(['FACT FA-2 PAYEE']);
  });

  it('decodes entity and character references in text and in attributes', () => {
    expect(
      only(withText('DUPONT &amp; FILS &lt;FA-3&gt; &#201;t&#xE9; &quot;x&apos;')).remittance.unstructured,
    ).toEqual(['DUPONT & FILS <FA-3> Été "x\'']);
    const entry = only(statement(BASE.replace('Ccy="EUR"', 'Ccy="&#69;UR"')));
    expect(entry.currency).toBe('EUR');
  });

  it('reads every element under a namespace prefix', () => {
    const entry = only(
      statement(`${BASE}<NtryDtls><TxDtls><RmtInf><Ustrd>FA-4</Ustrd></RmtInf></TxDtls></NtryDtls>`, 'ns3'),
    );
    expect([entry.amountCents, entry.bookingDate, entry.remittance.unstructured]).toEqual([
      1250,
      '2024-05-02',
      ['FA-4'],
    ]);
  });

  it('skips comments and processing instructions anywhere, even inside a value', () => {
    const entry = only(
      statement(
        `<!-- first --><Amt Ccy="EUR">12<!-- cents -->.50</Amt><?bank x?><CdtDbtInd>DBIT</CdtDbtInd>` +
          '<BookgDt><Dt>2024-05-02</Dt></BookgDt>',
      ),
    );
    expect(entry.amountCents).toBe(-1250);
  });

  it('reads the currency of an amount from its Ccy attribute, single or double quoted, among other attributes', () => {
    const usd = only(statement(BASE.replace('<Amt Ccy="EUR">', `<Amt  xsi:type='x'\n Ccy='USD' >`)));
    expect(usd.currency).toBe('USD');
    const odd = only(statement(BASE.replace('<Amt Ccy="EUR">', '<Amt __proto__="x" constructor="y" Ccy="USD">')));
    expect([odd.currency, odd.amountCents]).toEqual(['USD', 1250]);
  });

  it("reads an amount written without its Ccy in the account's currency, and refuses a Ccy that is no currency", () => {
    const bare = only(statement(BASE.replace('<Amt Ccy="EUR">', '<Amt>')));
    expect([bare.currency, bare.amountCents]).toEqual(['EUR', 1250]);
    const nowhere = failure(statement(BASE.replace('<Amt Ccy="EUR">', '<Amt>')).replace('<Ccy>EUR</Ccy>', ''));
    expect(nowhere.code).toBe('missing_field');
    expect(nowhere.message).toMatch(/^no currency: neither the account, a balance nor an amount \(line 2/);
    const bad = failure(statement(BASE.replace('Ccy="EUR"', 'Ccy="EURO"')));
    expect(bad.code).toBe('corrupt');
    expect(bad.message).toContain('"EURO"');
  });

  it('ignores an element it does not read, whatever it holds (an Amt inside Chrgs is not the amount)', () => {
    const entry = only(
      statement(`<Chrgs><Rcrd><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd></Chrgs>${BASE}`),
    );
    expect(entry.amountCents).toBe(1250);
  });

  it('skips a DOCTYPE without expanding what it declares', () => {
    const xml = withText('&lol;').replace('\n<Document', '\n<!DOCTYPE d [<!ENTITY lol "lol">]>\n<Document');
    expect(failure(xml).code).toBe('corrupt');
    expect(only(withText('x').replace('\n<Document', '\n<!DOCTYPE Document>\n<Document')).label).toBe('x');
  });

  it('reads an empty element written <X/> as absent text', () => {
    const entry = only(
      statement(`${BASE}<AddtlNtryInf/><NtryDtls><TxDtls><Refs><EndToEndId/></Refs></TxDtls></NtryDtls>`),
    );
    expect(entry.endToEndId).toBeUndefined();
  });

  it('keeps the raw text of the entry as written, comments and line breaks included', () => {
    const entry = only(statement(`${BASE}\r\n<!-- c -->`));
    expect(entry.raw).toEqual([`<Ntry>${BASE}\r\n<!-- c --></Ntry>`]);
  });
});

describe('camt XML that is not well-formed is refused', () => {
  it.each([
    ['a closing tag of another element', BASE.replace('</CdtDbtInd>', '</Amt>'), 'corrupt'],
    ['an unescaped & (a stray ampersand)', `${BASE}<AddtlNtryInf>DUPONT & FILS</AddtlNtryInf>`, 'corrupt'],
    ['an unknown entity', `${BASE}<AddtlNtryInf>&eacute;</AddtlNtryInf>`, 'corrupt'],
    ['a control character', `${BASE}<AddtlNtryInf>A\u0001B</AddtlNtryInf>`, 'corrupt'],
    ['an unquoted attribute', BASE.replace('Ccy="EUR"', 'Ccy=EUR'), 'corrupt'],
    ['a repeated attribute', BASE.replace('Ccy="EUR"', 'Ccy="EUR" Ccy="USD"'), 'corrupt'],
    ['"--" inside a comment', `${BASE}<!-- a -- b -->`, 'corrupt'],
    ['"]]>" in text', `${BASE}<AddtlNtryInf>a]]>b</AddtlNtryInf>`, 'corrupt'],
    ['an element without a name', `${BASE}<>x</>`, 'corrupt'],
    ['an attribute without a name', BASE.replace('Ccy="EUR"', 'Ccy="EUR" ="x"'), 'corrupt'],
  ])('%s', (_, entry, code) => {
    expect(failure(statement(entry)).code).toBe(code);
  });

  it('says truncated for a file cut inside a tag, a value or a comment, and corrupt for text after the root', () => {
    const xml = withText('FA-5');
    for (const at of [xml.indexOf('<Ustrd') + 3, xml.indexOf('FA-5') + 2, xml.length - 3])
      expect(failure(xml.slice(0, at)).code).toBe('truncated');
    expect(failure(`${xml}<!-- c`).code).toBe('truncated');
    expect(failure(`${xml}\ntrailing`).code).toBe('corrupt');
    expect(failure(`${xml}<Document/>`).code).toBe('corrupt');
  });

  it('refuses an XML declaration that is not at the very start', () => {
    expect(failure(` ${withText('x')}`).code).toBe('corrupt');
  });
});

describe('camt read in chunks', () => {
  const xml = withText('R&#232;glement <![CDATA[<FA-6>]]> &amp; merci').replace('<Ntry>', '<!-- a comment --><Ntry>');
  const whole = parseCamt(xml);

  it('gives the whole-file result wherever a chunk boundary falls (in a tag, a name, an entity, a CDATA...)', () => {
    for (let cut = 1; cut < xml.length; cut++) expect(inChunks(xml, [cut])).toEqual(whole);
  });

  it('gives the whole-file result for any number of chunks of any size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: xml.length - 1 }), { maxLength: 40 }), (cuts) => {
        expect(inChunks(xml, cuts)).toEqual(whole);
      }),
    );
  });

  it('gives the same error for a cut-off file, wherever the chunks end', () => {
    const cut = xml.slice(0, xml.indexOf('&amp;') + 3);
    const error = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return (e as StatementParseError).toJSON();
      }
    };
    const expected = error(() => parseCamt(cut));
    expect(expected).toMatchObject({ code: 'truncated' });
    for (let at = 1; at < cut.length; at += 7) expect(error(() => inChunks(cut, [at]))).toEqual(expected);
  });
});
