/** Writes a corpus as files: invoices.csv, the statement in each format, and truth.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WRITABLE_FORMATS, type WritableFormat, writeStatementFile } from '../../functions/core/statements';
import { type Corpus, generateCorpus, invoicesCsv } from './generate';

export const EXTENSION: Record<WritableFormat, string> = {
  cfonb120: 'cfo',
  camt053: 'xml',
  mt940: 'sta',
  ofx: 'ofx',
  csv: 'csv',
};

export function writeCorpusFiles(
  corpus: Corpus,
  dir: string,
  formats: readonly WritableFormat[] = WRITABLE_FORMATS,
): Record<WritableFormat, string> {
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

// `tsx bench/corpus/write-files.ts DIR [entries] [customers] [seed] [--invoices N] [--formats camt053,csv] [--subsets
// 10000,50000]`
// (--subsets also writes invoices-<n>.csv with the first n invoices and their customers)
if (process.argv[1]?.endsWith('write-files.ts')) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const invoices = opt('invoices');
  const formats = opt('formats');
  const subsets = opt('subsets');
  const [dir = 'corpus-out', entries = '60', customers = '12', seed = '7'] = args;
  const corpus = generateCorpus({
    seed: Number(seed),
    customers: Number(customers),
    entries: Number(entries),
    ...(invoices ? { invoices: Number(invoices) } : {}),
  });
  writeCorpusFiles(corpus, dir, formats ? (formats.split(',') as WritableFormat[]) : WRITABLE_FORMATS);
  for (const n of subsets ? subsets.split(',').map(Number) : []) {
    const book = corpus.invoices.slice(0, n);
    const ids = new Set(book.map((i) => i.customerId));
    writeFileSync(
      join(dir, `invoices-${n}.csv`),
      invoicesCsv({ customers: corpus.customers.filter((c) => ids.has(c.customerId)), invoices: book }),
    );
  }
  console.log(`wrote ${dir} (${corpus.invoices.length} invoices, ${corpus.statement.entries.length} entries)`);
}
