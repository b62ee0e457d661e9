import type { LiveStatements, ParsedStatementFile, StatementFormat } from '../model/statement';
import { camtReader } from './camt';
import { cfonbReader } from './cfonb120';
import { checkedMapping, csvReader } from './csv';
import { ReadAgainAsWindows1252, StatementDecoder } from './decoder';
import { detectFormat } from './detect';
import { StatementParseError } from './errors';
import { checkTotals, type ParseOptions, unknownFormat } from './file-checks';
import { mt940Reader } from './mt940';
import { ofxReader } from './ofx';

/** The file's bytes from its start, in chunks of any size (an S3 object's body, a file read from disk...). */
export type OpenBytes = () => AsyncIterable<Uint8Array>;

/** Characters read before the format is detected (detectFormat looks at the first 16 KB). */
const DETECT_CHARS = 16 * 1024;

interface FormatReader {
  write(text: string): void;
  end(): ParsedStatementFile;
  /** The statements read so far (readers that read chunk by chunk). */
  live?(): LiveStatements;
  /** Entries the reader itself counted but did not keep, past `maxEntries` (CSV), and their amounts' magnitudes. */
  omitted?(): { entries: number; cents: number };
}

export interface StreamOptions extends ParseOptions {
  /**
   * Entries kept at most: past them, entries are counted (and their amounts added to the file's total) but not kept,
   * so that memory stays bounded by this number whatever the file's size, for a file that will be refused for its
   * count anyway (CFONB, camt, MT940, OFX and CSV; the first entry of each statement is always kept).
   */
  maxEntries?: number;
}

/** A file read with `maxEntries`: `omittedEntries` entries were counted but not kept (the statements lack them). */
export type StreamedStatementFile = ParsedStatementFile & { omittedEntries: number };

/**
 * Drops the entries past `max` from the statements read so far, counting them and their amounts. Past `max`, the
 * finished statements are copied (structuredClone): their strings no longer slice the source text, which can go.
 */
function entryCap(max: number) {
  let from = 0;
  let seen = 0;
  let detached = 0;
  const cap = { kept: 0, omitted: 0, omittedCents: 0 };
  const apply = ({ done, open }: LiveStatements) => {
    const statements = open ? [...done, open] : done;
    // the statements before the last one seen are finished: each entry is looked at once
    for (let i = from; i < statements.length; i++) {
      const entries = statements[i].entries;
      for (let k = i === from ? seen : 0; k < entries.length; k++) {
        if (k === 0 || cap.kept < max) cap.kept++;
        else {
          const [e] = entries.splice(k--, 1);
          cap.omitted++;
          cap.omittedCents += Math.abs(e.amountCents);
        }
      }
      from = i;
      seen = entries.length;
    }
    if (cap.kept < max) return;
    for (; detached < done.length; detached++) done[detached] = structuredClone(done[detached]);
  };
  return Object.assign(cap, { apply });
}

/**
 * parseStatementFile for a file read as a stream: the same result and the same errors, without the file's bytes or
 * text ever held whole. CFONB and camt are read chunk by chunk (camt with its streaming scanner: one entry's elements
 * at a time), MT940 one message at a time, OFX one transaction at a time, CSV one record at a time.
 * `open` is called a second time only for a file read as UTF-8 that proves to be windows-1252 after non-ASCII text
 * (see StatementDecoder). An error in the content is kept until every byte is decoded, so that a decoding error (a NUL
 * byte, a change of encoding) comes first, as when the file is decoded whole.
 */
export async function parseStatementStream(
  open: OpenBytes,
  options: StreamOptions = {},
): Promise<StreamedStatementFile> {
  try {
    return await readOnce(open(), options);
  } catch (e) {
    if (e instanceof ReadAgainAsWindows1252) return readOnce(open(), options, 'windows-1252');
    throw e;
  }
}

/** The source of the bytes failed (a broken connection...): nothing to say about the file itself. */
export class StatementSourceError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the file could not be read to its end: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StatementSourceError';
  }
}

async function readOnce(
  chunks: AsyncIterable<Uint8Array>,
  options: StreamOptions,
  forced?: 'windows-1252',
): Promise<StreamedStatementFile> {
  const decoder = new StatementDecoder(forced);
  const text = textReader(options);
  const source = chunks[Symbol.asyncIterator]();
  const next = () =>
    source.next().catch((e: unknown) => {
      throw new StatementSourceError(e);
    });
  let done = false;
  try {
    for (let r = await next(); !r.done; r = await next()) text.write(decoder.write(r.value));
    done = true;
  } finally {
    // stopped by a decoding error: the source is told, so that it may read on for its own sake (a checksum)
    if (!done)
      await source.return?.()?.catch((e: unknown) => {
        throw new StatementSourceError(e);
      });
  }
  text.write(decoder.end());
  return text.end();
}

/** The decoded text, chunk by chunk, to the reader of its format (detected on its first 16 KB). */
function textReader(options: StreamOptions): { write(text: string): void; end(): StreamedStatementFile } {
  const cap = entryCap(options.maxEntries ?? Infinity);
  let first = true;
  let solid = false;
  let head = '';
  let reader: FormatReader | undefined;
  let format: StatementFormat | undefined;
  let failed: unknown;
  const start = () => {
    format = options.format ?? (options.csvMapping ? 'csv' : detectFormat(head));
    if (!format) throw unknownFormat(options.fileName);
    reader = readerOf(format, options);
    reader.write(head);
    head = '';
  };
  return {
    write(chunk: string) {
      if (chunk === '') return;
      let t = chunk;
      if (first) {
        t = t.replace(/^\uFEFF/, '');
        first = false;
      }
      if (!solid && /\S/.test(t)) solid = true;
      if (failed) return;
      try {
        if (reader) reader.write(t);
        else if ((head += t).length >= DETECT_CHARS) start();
        if (reader?.live) cap.apply(reader.live());
      } catch (e) {
        failed = e;
      }
    },
    end() {
      if (!solid) throw new StatementParseError('empty', 'empty file');
      try {
        if (failed) throw failed;
        if (!reader) start();
        const parsed = reader!.end();
        if (reader!.live) cap.apply({ done: parsed.statements });
        const omitted = reader!.omitted?.();
        if (omitted) {
          cap.omitted += omitted.entries;
          cap.omittedCents += omitted.cents;
        }
        checkTotals(parsed.statements, cap.omittedCents);
        return { ...parsed, omittedEntries: cap.omitted };
      } catch (e) {
        if (e instanceof RangeError)
          throw new StatementParseError('corrupt', `unreadable ${format} file: ${e.message}`);
        throw e;
      }
    },
  };
}

function readerOf(format: StatementFormat, options: StreamOptions): FormatReader {
  switch (format) {
    case 'cfonb120': {
      const r = cfonbReader();
      return { write: (t) => r.write(t), live: () => r.live(), end: () => ({ format, statements: r.end() }) };
    }
    case 'camt053':
    case 'camt054': {
      const r = camtReader();
      return {
        write: (t) => r.write(t),
        live: () => r.live(),
        end: () => {
          const c = r.end();
          return { format: c.kind, statements: c.statements };
        },
      };
    }
    case 'mt940': {
      const r = mt940Reader();
      return { write: (t) => r.write(t), live: () => r.live(), end: () => ({ format, statements: r.end() }) };
    }
    case 'ofx': {
      const r = ofxReader();
      return { write: (t) => r.write(t), live: () => r.live(), end: () => ({ format, statements: r.end() }) };
    }
    case 'csv': {
      const r = csvReader(checkedMapping(options.csvMapping), { maxEntries: options.maxEntries });
      return { write: (t) => r.write(t), omitted: () => r.omitted(), end: () => ({ format, statements: r.end() }) };
    }
    default:
      throw new StatementParseError('unknown_format', `unknown format ${String(format)}`);
  }
}
