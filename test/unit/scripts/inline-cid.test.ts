import { describe, expect, it } from 'vitest';
import { inlineCidImages } from '../../../scripts/inline-cid';

const png = { content: 'iVBORw0KGgo=', contentType: 'image/png' };

describe('the README images draw an e-mail’s inline QR code as its reader’s mail client does', () => {
  it('replaces each cid: reference by a data: URI of the attachment with that Content-ID', () => {
    const html = '<p><img src="cid:qr-1@encaisse" alt="QR"> <img src="cid:logo"></p>';
    const { html: out, missing } = inlineCidImages(html, [
      { ...png, cid: 'qr-1@encaisse' },
      { content: 'R0lGOD==', contentType: 'image/gif', contentId: '<logo>' },
    ]);
    expect(out).toBe(
      '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="QR"> <img src="data:image/gif;base64,R0lGOD=="></p>',
    );
    expect(missing).toEqual([]);
  });

  it('names a reference no attachment answers, and leaves it as it is', () => {
    const { html, missing } = inlineCidImages('<img src="cid:gone">', [{ ...png, cid: 'other' }]);
    expect(html).toBe('<img src="cid:gone">');
    expect(missing).toEqual(['gone']);
  });
});
