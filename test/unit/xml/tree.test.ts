import { describe, expect, it } from 'vitest';
import { child, childrenAt, localName, text, type XNode } from '../../../functions/core/xml/tree';

const node = (name: string, children: XNode[] = [], own = ''): XNode => ({ name, attrs: {}, children, text: own });
const invoice = node('Invoice', [
  node('ID', [], ' F-1 '),
  node('Lines', [node('Line', [], 'a'), node('Other'), node('Line', [], '  b \n c ')]),
]);

describe('walking a small XML tree', () => {
  it('drops the namespace prefix of a name', () => {
    expect(localName('cbc:ID')).toBe('ID');
    expect(localName('ID')).toBe('ID');
  });

  it('finds the first descendant along a path, or nothing', () => {
    expect(child(invoice, 'Lines', 'Line')?.text).toBe('a');
    expect(child(invoice, 'Lines', 'Missing')).toBeUndefined();
    expect(child(undefined, 'ID')).toBeUndefined();
  });

  it('lists every child of a name at the end of a path', () => {
    expect(childrenAt(invoice, 'Lines', 'Line').map((n) => n.text)).toEqual(['a', '  b \n c ']);
    expect(childrenAt(invoice)).toEqual([]);
  });

  it('reads text with blanks folded, and blank text as absent', () => {
    expect(text(invoice, 'ID')).toBe('F-1');
    expect(text(childrenAt(invoice, 'Lines', 'Line')[1])).toBe('b c');
    expect(text(invoice, 'Lines', 'Other')).toBeUndefined();
  });
});
