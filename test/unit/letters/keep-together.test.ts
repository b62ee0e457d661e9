import { PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { drawCustomerPageBlock } from '../../../functions/core/letters/customer-link-block';
import { PdfWriter } from '../../../functions/core/letters/pdf-writer';
import { pdfTextRuns } from './pdf-text';

const url = 'https://pay.example.fr/c/s/2GcWqpa3bEve5z5JlxGDpQ';

/** Per page: its text runs and how many images it draws. */
async function pages(bytes: Uint8Array): Promise<{ text: string; images: number }[]> {
  const source = await PDFDocument.load(bytes);
  const out: { text: string; images: number }[] = [];
  for (let i = 0; i < source.getPageCount(); i++) {
    const single = await PDFDocument.create();
    const [page] = await single.copyPages(source, [i]);
    single.addPage(page);
    const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'));
    const images = xobjects && 'keys' in xobjects ? (xobjects as { keys(): unknown[] }).keys().length : 0;
    out.push({ text: pdfTextRuns(await single.save({ useObjectStreams: false })).join(' '), images });
  }
  return out;
}

describe('the customer-page block of a formal notice', () => {
  it('keeps the caption naming the left and right codes on the page that shows them, wherever it starts', async () => {
    for (let filled = 30; filled <= 50; filled++) {
      const w = await PdfWriter.create({ title: 'Mise en demeure', author: 'encaisse démo SAS' });
      for (let line = 0; line < filled; line++) w.paragraph(`Ligne ${line} de la lettre`, { gapAfter: 2 });
      await drawCustomerPageBlock(w, { url, epcPayload: 'BCD\n002\n1\nSCT' }, 'fr');
      const found = await pages(await w.save());
      const withCaption = found.filter((p) => p.text.includes('code de gauche'));
      expect(withCaption, `${filled} lines before the block`).toHaveLength(1);
      expect(withCaption[0].images, `${filled} lines before the block`).toBe(2);
    }
  });
});
