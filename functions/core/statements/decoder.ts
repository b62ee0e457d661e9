import { isAscii, isUtf8 } from 'node:buffer';
import { StatementParseError } from './errors';
import { decodeWindows1252, type TextEncoding } from './text';

/** Bytes looked at before the encoding is chosen: a BOM, or an XML declaration naming a single-byte encoding. */
const HEAD_BYTES = 300;

/** The bytes were read as UTF-8 with non-ASCII text already given out, then an invalid sequence came: read again. */
export class ReadAgainAsWindows1252 extends Error {
  constructor() {
    super('not UTF-8 after all: the file is read again as windows-1252');
    this.name = 'ReadAgainAsWindows1252';
  }
}

/** Declared encoding of an XML or OFX 1 header, when it names a single-byte one. */
export function declaredLatin(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, HEAD_BYTES));
  return /^\s*<\?xml[^>]*encoding\s*=\s*["'](iso-8859-1|iso-8859-15|latin-?1|windows-1252|cp1252)["']/i.test(head);
}

/** Bytes at the end of `b` that start a UTF-8 sequence the next chunk completes (0 to 3). */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const c = b[b.length - back];
    if (c < 0x80) return 0;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? back : 0;
    }
  }
  return 0;
}

/**
 * The streaming form of decodeStatementBytes, one chunk at a time, giving the same text: UTF-16 with BOM, UTF-8 (BOM
 * dropped) while every byte so far is valid UTF-8, else windows-1252. The choice is made on the bytes seen: while
 * they are all ASCII, a switch to windows-1252 gives the same text as if it had been made at the start; once non-ASCII
 * UTF-8 text was given out, an invalid sequence throws ReadAgainAsWindows1252 and the caller reads the file again with
 * `encoding: 'windows-1252'` (one more read, only for a file that mixes both). A NUL byte throws the same `encoding`
 * error, with its line, as the whole-file decoder.
 */
export class StatementDecoder {
  private head: Uint8Array[] = [];
  private headLength = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private mode: TextEncoding | undefined;
  private utf16?: { decode(input: Uint8Array, options: { stream: boolean }): string };
  private nonAsciiGiven = false;
  private lines = 1;

  constructor(private readonly forced?: 'windows-1252') {}

  write(chunk: Uint8Array): string {
    if (this.mode) return this.decode(chunk, false);
    this.head.push(chunk);
    this.headLength += chunk.length;
    return this.headLength >= HEAD_BYTES ? this.start(false) : '';
  }

  end(): string {
    return this.mode ? this.decode(new Uint8Array(0), true) : this.start(true);
  }

  private start(final: boolean): string {
    const bytes = Buffer.concat(this.head);
    this.head = [];
    if (this.forced || declaredLatin(bytes)) this.mode = 'windows-1252';
    else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) this.mode = 'utf-16le';
    else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) this.mode = 'utf-16be';
    else this.mode = 'utf-8';
    if (this.mode.startsWith('utf-16')) this.utf16 = new TextDecoder(this.mode);
    else if (
      this.mode === 'utf-8' &&
      bytes.length >= 3 &&
      bytes[0] === 0xef &&
      bytes[1] === 0xbb &&
      bytes[2] === 0xbf
    ) {
      // the BOM is dropped as UTF-8 text: should the file turn out not UTF-8, it is read again (the BOM then as text)
      this.nonAsciiGiven = true;
      return this.decode(bytes.subarray(3), final);
    }
    return this.decode(bytes, final);
  }

  private decode(chunk: Uint8Array, final: boolean): string {
    if (this.utf16) return this.checked(this.utf16.decode(chunk, { stream: !final }));
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = new Uint8Array(0);
    if (this.mode === 'windows-1252') return this.checked(decodeWindows1252(bytes));
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (isAscii(buf)) return this.checked(buf.toString('latin1'));
    const cut = final ? buf.length : buf.length - incompleteTail(buf);
    if (isUtf8(buf.subarray(0, cut))) {
      this.carry = Uint8Array.prototype.slice.call(buf, cut);
      this.nonAsciiGiven = true;
      return this.checked(buf.toString('utf8', 0, cut));
    }
    if (this.nonAsciiGiven) throw new ReadAgainAsWindows1252();
    this.mode = 'windows-1252';
    return this.checked(decodeWindows1252(bytes));
  }

  /** The text as decoded, after the NUL check; lines counted for the NUL error's line. */
  private checked(text: string): string {
    const nul = text.indexOf('\u0000');
    if (nul >= 0)
      throw new StatementParseError(
        'encoding',
        'binary content (NUL byte): not a text statement file, or UTF-16 without a byte order mark',
        { line: this.lines + countLines(text, nul) },
      );
    this.lines += countLines(text, text.length);
    return text;
  }
}

function countLines(text: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
