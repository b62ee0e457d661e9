import { inflateSync } from 'node:zlib';

/** WinAnsi bytes 0x80-0x9F that differ from Latin-1. */
const WIN_ANSI: Record<number, string> = {
  128: '€',
  130: '‚',
  131: 'ƒ',
  132: '„',
  133: '…',
  134: '†',
  135: '‡',
  136: 'ˆ',
  137: '‰',
  138: 'Š',
  139: '‹',
  140: 'Œ',
  142: 'Ž',
  145: '‘',
  146: '’',
  147: '“',
  148: '”',
  149: '•',
  150: '–',
  151: '—',
  152: '˜',
  153: '™',
  154: 'š',
  155: '›',
  156: 'œ',
  158: 'ž',
  159: 'Ÿ',
};

/**
 * The text pdf-lib drew with standard fonts: each content stream is inflated and its hex strings shown with Tj
 * decoded from WinAnsi. One entry per drawn line (or table cell), in drawing order.
 */
export function pdfTextRuns(pdf: Uint8Array): string[] {
  const raw = Buffer.from(pdf).toString('latin1');
  const runs: string[] = [];
  // pdf-lib writes "<< ... /Length N ... >>\nstream\n" + N bytes + "\nendstream": read exactly N bytes
  const streamRe = /\/Length (\d+)[^>]*>>\s*stream\r?\n/g;
  for (let m = streamRe.exec(raw); m; m = streamRe.exec(raw)) {
    const start = m.index + m[0].length;
    const body = raw.slice(start, start + Number(m[1]));
    let content: string;
    try {
      content = inflateSync(Buffer.from(body, 'latin1')).toString('latin1');
    } catch {
      content = body;
    }
    const tj = /<([0-9A-Fa-f]*)>\s*Tj/g;
    for (let t = tj.exec(content); t; t = tj.exec(content)) {
      let s = '';
      for (let i = 0; i < t[1].length; i += 2) {
        const b = parseInt(t[1].slice(i, i + 2), 16);
        s += WIN_ANSI[b] ?? String.fromCharCode(b);
      }
      runs.push(s);
    }
  }
  return runs;
}

/** All drawn text joined with single spaces (wrapped lines become one flow), for phrase assertions. */
export function pdfText(pdf: Uint8Array): string {
  return pdfTextRuns(pdf).join(' ').replace(/\s+/g, ' ');
}
