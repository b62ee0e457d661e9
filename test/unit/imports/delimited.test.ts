import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitRecords, type TextRecord } from '../../../functions/core/imports/delimited';

/** The character-by-character reader splitRecords had before its fast path for quote-free lines: the reference. */
function referenceSplit(text: string, separator: string, quotes = true): TextRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: TextRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let inQuotes = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '')) out.push({ line: startLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (quotes && ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === separator) {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

describe('delimited text split into records', () => {
  it(
    'keeps quoted separators, doubled quotes and line breaks in a field, and numbers records by the line they ' +
      'start on',
    () => {
      expect(splitRecords('\ufeffa,b\r\n"x,1","say ""hi""","two\r\nlines"\n\n  \nlast,', ',')).toEqual([
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['x,1', 'say "hi"', 'two\r\nlines'] },
        { line: 6, fields: ['last', ''] },
      ]);
    },
  );

  it('reads quotes as plain characters when quotes are off (FEC)', () => {
    expect(splitRecords('a\t"b\tc"\n', '\t', false)).toEqual([{ line: 1, fields: ['a', '"b', 'c"'] }]);
  });

  it('splits any text exactly as the character-by-character reader does (property)', () => {
    const text = fc.string({
      maxLength: 80,
      unit: fc.constantFrom('a', 'b', ' ', ',', ';', '"', '\n', '\r', '\ufeff'),
    });
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';'), fc.boolean(), (t, sep, quotes) => {
        expect(splitRecords(t, sep, quotes)).toEqual(referenceSplit(t, sep, quotes));
      }),
      { numRuns: 2000 },
    );
  });
});
