import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

/**
 * A tiny flowing-text layer over pdf-lib: A4 pages, standard fonts (Helvetica), automatic wrapping and page
 * breaks, simple tables. Standard fonts are WinAnsi-encoded: text is sanitized first (narrow no-break spaces,
 * characters outside WinAnsi) so a customer's name can never make the PDF generation throw.
 */
export const A4 = { width: 595.28, height: 841.89 };

const REPLACEMENTS: Record<string, string> = {
  '\u202f': ' ', // narrow no-break space (French thousands separator)
  '\u2009': ' ',
  '\u2007': ' ',
  '\u200b': '',
  '\u2011': '-',
  '\u2212': '-',
  '\u2010': '-',
  '\u2032': "'",
  '\u2033': '"',
  '\t': '    ',
  // letters that do not decompose to an ASCII base under NFD
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  ß: 'ß',
};

export function sanitizeForWinAnsi(text: string, font: PDFFont): string {
  let out = '';
  for (const ch of text.replace(/\r?\n/g, ' ')) {
    const mapped = REPLACEMENTS[ch] ?? ch;
    if (mapped === '') continue;
    if (canEncode(font, mapped)) {
      out += mapped;
      continue;
    }
    const stripped = mapped.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += stripped && canEncode(font, stripped) ? stripped : '?';
  }
  return out;
}

const encodable = new WeakMap<PDFFont, Map<string, boolean>>();
function canEncode(font: PDFFont, s: string): boolean {
  let cache = encodable.get(font);
  if (!cache) encodable.set(font, (cache = new Map()));
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  let ok = true;
  try {
    font.encodeText(s);
  } catch {
    ok = false;
  }
  cache.set(s, ok);
  return ok;
}

export interface TextStyle {
  size?: number;
  bold?: boolean;
  align?: 'left' | 'right' | 'center';
  indent?: number;
  gapAfter?: number;
}

export class PdfWriter {
  readonly margin = 50;
  private page!: PDFPage;
  private y = 0;
  private pageCount = 0;

  private constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    private readonly footer: string,
  ) {
    this.newPage();
  }

  static async create(meta: {
    title: string;
    author: string;
    subject?: string;
    footer?: string;
    creationDate?: Date;
  }): Promise<PdfWriter> {
    const doc = await PDFDocument.create();
    const regular = await doc.embedFont(StandardFonts.Helvetica);
    const bold = await doc.embedFont(StandardFonts.HelveticaBold);
    doc.setTitle(sanitizeForWinAnsi(meta.title, regular));
    doc.setAuthor(sanitizeForWinAnsi(meta.author, regular));
    if (meta.subject) doc.setSubject(sanitizeForWinAnsi(meta.subject, regular));
    doc.setProducer('encaisse');
    doc.setCreator('encaisse');
    // Deterministic output for a given input: dates come from the caller, never from the host clock.
    const when = meta.creationDate ?? new Date(0);
    doc.setCreationDate(when);
    doc.setModificationDate(when);
    return new PdfWriter(doc, regular, bold, meta.footer ?? '');
  }

  get width(): number {
    return A4.width - 2 * this.margin;
  }

  private newPage(): void {
    this.page = this.doc.addPage([A4.width, A4.height]);
    this.pageCount++;
    this.y = A4.height - this.margin;
    if (this.footer) {
      const text = sanitizeForWinAnsi(`${this.footer} – ${this.pageCount}`, this.regular);
      this.page.drawText(text, { x: this.margin, y: 28, size: 8, font: this.regular, color: rgb(0.4, 0.4, 0.4) });
    }
  }

  private ensure(height: number): void {
    if (this.y - height < this.margin) this.newPage();
  }

  space(points = 8): void {
    this.y -= points;
  }

  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const clean = sanitizeForWinAnsi(text, font);
    const words = clean.split(' ');
    const lines: string[] = [];
    let line = '';
    for (const word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) {
        line = candidate;
        // a single word wider than the line: hard-split it
        while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      } else {
        lines.push(line);
        line = word;
      }
    }
    if (line || lines.length === 0) lines.push(line);
    return lines;
  }

  /** The height `paragraph(text, style)` takes, to keep a block on one page. */
  paragraphHeight(text: string, style: TextStyle = {}): number {
    const size = style.size ?? 10;
    const font = style.bold ? this.bold : this.regular;
    const lineCount = this.wrap(text, font, size, this.width - (style.indent ?? 0)).length;
    return lineCount * size * 1.3 + (style.gapAfter ?? size * 0.5);
  }

  /** Starts a new page unless `height` points still fit on this one: what follows stays together. */
  keepTogether(height: number): void {
    this.ensure(height);
  }

  paragraph(text: string, style: TextStyle = {}): void {
    const size = style.size ?? 10;
    const font = style.bold ? this.bold : this.regular;
    const indent = style.indent ?? 0;
    const lineHeight = size * 1.3;
    for (const line of this.wrap(text, font, size, this.width - indent)) {
      this.ensure(lineHeight);
      this.y -= lineHeight;
      const w = font.widthOfTextAtSize(line, size);
      const x =
        style.align === 'right'
          ? this.margin + this.width - w
          : style.align === 'center'
            ? this.margin + (this.width - w) / 2
            : this.margin + indent;
      this.page.drawText(line, { x, y: this.y, size, font });
    }
    this.y -= style.gapAfter ?? size * 0.5;
  }

  /** PNG images side by side, `size` points square each, on this page or the next (the customer page's QR codes). */
  async images(pngs: Uint8Array[], size: number, gap = 16): Promise<void> {
    const embedded = await Promise.all(pngs.map((png) => this.doc.embedPng(png)));
    this.ensure(size);
    this.y -= size;
    for (const [k, img] of embedded.entries()) {
      this.page.drawImage(img, { x: this.margin + k * (size + gap), y: this.y, width: size, height: size });
    }
    this.y -= 6;
  }

  lines(lines: string[], style: TextStyle = {}): void {
    for (const l of lines) this.paragraph(l, { ...style, gapAfter: 0 });
    this.y -= style.gapAfter ?? 6;
  }

  /** A table; `widths` are fractions of the text width; numeric columns right-aligned. */
  table(headers: string[], rows: string[][], widths: number[], rightAligned: number[] = [], size = 9): void {
    const colW = widths.map((f) => f * this.width);
    const lineHeight = size * 1.4;
    const drawRow = (cells: string[], font: PDFFont) => {
      const wrapped = cells.map((c, i) => this.wrap(c, font, size, colW[i] - 4));
      const height = Math.max(...wrapped.map((w) => w.length)) * lineHeight;
      this.ensure(height + 2);
      let x = this.margin;
      wrapped.forEach((ls, i) => {
        ls.forEach((l, k) => {
          const w = font.widthOfTextAtSize(l, size);
          const tx = rightAligned.includes(i) ? x + colW[i] - 2 - w : x + 2;
          this.page.drawText(l, { x: tx, y: this.y - (k + 1) * lineHeight + 3, size, font });
        });
        x += colW[i];
      });
      this.y -= height;
      this.page.drawLine({
        start: { x: this.margin, y: this.y },
        end: { x: this.margin + this.width, y: this.y },
        thickness: 0.4,
        color: rgb(0.7, 0.7, 0.7),
      });
    };
    drawRow(headers, this.bold);
    for (const r of rows) drawRow(r, this.regular);
    this.y -= 8;
  }

  async save(): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: false });
  }
}
