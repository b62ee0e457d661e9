import type { Statement } from '../../model/statement';
import { writeCamt053 } from './camt053';
import { writeCfonb120 } from './cfonb120';
import { writeCsv } from './csv';
import { writeMt940 } from './mt940';
import { writeOfx } from './ofx';

export type WritableFormat = 'cfonb120' | 'camt053' | 'mt940' | 'ofx' | 'csv';
export const WRITABLE_FORMATS: readonly WritableFormat[] = ['cfonb120', 'camt053', 'mt940', 'ofx', 'csv'];

/**
 * Writes statements as a file of the given format (a string; encode it as UTF-8, or latin-1 for CFONB/CSV if you want
 * a bank-like file: the parsers read both). What each format keeps:
 * - cfonb120: label 31 chars, bank reference 16, remittance lines (LIB, 70 chars per record), counterparty (NPY/NBE),
 *   its IBAN (IPY/IBE), structured references (RCN), end-to-end id (REF), balances.
 * - camt053 (001.08): everything.
 * - mt940: bank reference and end-to-end id 16 chars, label 27, remittance joined into one text, structured references
 *   (KREF+), counterparty name (54) and IBAN, balances.
 * - ofx (2.2 XML): label 32 chars, remittance joined into MEMO, structured references (REFNUM), closing balance only.
 * - csv: everything except the bank codes; remittance lines joined in one cell; balances via the running Solde.
 * When a statement lacks an opening or closing balance, the writer derives it from the entries (formats that require
 * both).
 */
export function writeStatementFile(format: WritableFormat, statements: Statement[]): string {
  switch (format) {
    case 'cfonb120':
      return writeCfonb120(statements);
    case 'camt053':
      return writeCamt053(statements);
    case 'mt940':
      return writeMt940(statements);
    case 'ofx':
      return writeOfx(statements);
    case 'csv':
      return writeCsv(statements);
    default:
      throw new Error(`no writer for format ${String(format)}`);
  }
}

export { writeCamt053, writeCfonb120, writeCsv, writeMt940, writeOfx };
