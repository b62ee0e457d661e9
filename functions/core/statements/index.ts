import type { ParsedStatementFile, Statement, StatementFormat } from '../model/statement';
import { parseCamt } from './camt';
import { parseCfonb120 } from './cfonb120';
import { parseCsv } from './csv';
import { declaredLatin } from './decoder';
import { detectFormat } from './detect';
import { StatementParseError } from './errors';
import { checkTotals, type ParseOptions, UTF8_VIEW_FORMATS, unknownFormat } from './file-checks';
import { parseMt940 } from './mt940';
import { parseOfx } from './ofx';
import { decodeStatementBytes, decodeWindows1252, isBlankView } from './text';

export { accountKey, completeAccount, frenchIbanFromRib, isValidIban } from './accounts';
export { checkBalances } from './balance';
export { CsvMapping } from './csv';
export { describeStatement } from './describe';
export { detectFormat } from './detect';
export { StatementParseError, type StatementParseErrorCode } from './errors';
export { checkTotals, type ParseOptions, unknownFormat } from './file-checks';
export { assignTransactionIds, type IdentifiedEntry, transactionId } from './ids';
export { type OpenBytes, parseStatementStream, StatementSourceError, type StreamedStatementFile } from './stream';
export { decodeStatementBytes } from './text';
export { WRITABLE_FORMATS, type WritableFormat, writeStatementFile } from './writers/index';

/**
 * Reads a bank statement file of any supported format (detected from the content unless `format` is given) into the
 * normalized model. Bytes are decoded here: UTF-8 (with or without BOM), else windows-1252/latin-1. Entry `index` is
 * the position in the file across its statements. A balance mismatch is reported in `balanceCheck`, never thrown; an
 * unreadable file throws a StatementParseError (code, message, line or element).
 */
export function parseStatementFile(bytes: Uint8Array, options: ParseOptions = {}): ParsedStatementFile {
  const formatOf = (text: string) => options.format ?? (options.csvMapping ? 'csv' : detectFormat(text));
  // a non-ASCII UTF-8 file: its format detected on the text of its head (what detectFormat reads of the whole text)
  let asked = false;
  let detected: StatementFormat | undefined;
  const viewFor = (head: string) => {
    asked = true;
    detected = formatOf(head);
    return detected !== undefined && UTF8_VIEW_FORMATS.has(detected);
  };
  const { text, utf8View = false } = declaredLatin(bytes)
    ? { text: decodeWindows1252(bytes) }
    : decodeStatementBytes(bytes, viewFor);
  // a view has its BOM dropped already, and was asked for by the format detected on the text of its head
  const body = utf8View ? text : text.replace(/^\uFEFF/, '');
  if (utf8View ? isBlankView(body) : body.trim() === '') throw new StatementParseError('empty', 'empty file');
  const format = asked ? detected : formatOf(body);
  if (!format) throw unknownFormat(options.fileName);
  let statements: Statement[];
  let actual: StatementFormat = format;
  try {
    switch (format) {
      case 'cfonb120':
        statements = parseCfonb120(body, 0, utf8View);
        break;
      case 'camt053':
      case 'camt054': {
        const r = parseCamt(body);
        statements = r.statements;
        actual = r.kind;
        break;
      }
      case 'mt940':
        statements = parseMt940(body);
        break;
      case 'ofx':
        statements = parseOfx(body);
        break;
      case 'csv':
        statements = parseCsv(body, options.csvMapping);
        break;
      default:
        throw new StatementParseError('unknown_format', `unknown format ${String(format)}`);
    }
  } catch (e) {
    if (e instanceof StatementParseError) throw e;
    if (e instanceof RangeError) throw new StatementParseError('corrupt', `unreadable ${format} file: ${e.message}`);
    throw e;
  }
  checkTotals(statements);
  return { format: actual, statements };
}

export { parseCamt } from './camt';
export { parseCfonb120 } from './cfonb120';
export { parseCsv } from './csv';
export { parse86, parseMt940 } from './mt940';
export { parseOfx } from './ofx';
