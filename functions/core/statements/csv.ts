import type { Statement } from '../model/statement';
import { CsvMapping } from './csv-mapping';
import { csvReader } from './csv-reader';
import { StatementParseError } from './errors';

export { csvRecords, normalizeHeader } from './csv-fields';
export { detectDelimiter, findCsvHeader } from './csv-header';
export { CsvMapping } from './csv-mapping';
export { type CsvReader, csvReader } from './csv-reader';

/**
 * French bank portal CSV exports: delimiter (; , tab |) and header line found automatically (a date column and either a
 * signed Montant or Débit/Crédit columns), decimal comma or point, DD/MM/YYYY dates. A Solde column (balance after each
 * row, oldest or newest first) gives opening and closing balances and a real balance check. A Compte column splits the
 * rows into one statement per account. Or an explicit `mapping` for any other layout.
 */
export function parseCsv(text: string, mapping?: CsvMapping, firstIndex = 0): Statement[] {
  const reader = csvReader(checkedMapping(mapping), { firstIndex });
  reader.write(text);
  return reader.end();
}

/** The mapping as its schema reads it, or a `missing_field` error saying what is wrong with it. */
export function checkedMapping(mapping: CsvMapping | undefined): CsvMapping | undefined {
  if (!mapping) return undefined;
  const m = CsvMapping.safeParse(mapping);
  if (!m.success)
    throw new StatementParseError(
      'missing_field',
      `invalid CSV mapping: ${m.error.issues.map((i) => i.message).join('; ')}`,
    );
  return m.data;
}
