/** Writes a corpus as files: invoices.csv, the statement in each format, and truth.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeStatementFile, WRITABLE_FORMATS, type WritableFormat } from '../../functions/core/statements';
import { type Corpus, invoicesCsv } from './generate';

export const EXTENSION: Record<WritableFormat, string> = { cfonb120: 'cfo', camt053: 'xml', mt940: 'sta', ofx: 'ofx', csv: 'csv' };

export function writeCorpusFiles(corpus: Corpus, dir: string, formats: readonly WritableFormat[] = WRITABLE_FORMATS): Record<WritableFormat, string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'invoices.csv'), invoicesCsv(corpus));
  const paths = {} as Record<WritableFormat, string>;
  for (const f of formats) {
    const path = join(dir, `statement.${EXTENSION[f]}`);
    writeFileSync(path, writeStatementFile(f, [{ ...corpus.statement, format: f === 'camt053' ? 'camt053' : f }]));
    paths[f] = path;
  }
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(corpus.truth, null, 1));
  return paths;
}

// `tsx bench/corpus/write-files.ts DIR [entries] [customers] [seed]`
if (process.argv[1]?.endsWith('write-files.ts')) {
  const [dir = 'corpus-out', entries = '60', customers = '12', seed = '7'] = process.argv.slice(2);
  const { generateCorpus } = await import('./generate');
  const corpus = generateCorpus({ seed: Number(seed), customers: Number(customers), entries: Number(entries) });
  writeCorpusFiles(corpus, dir);
  console.log(`wrote ${dir}`);
}
