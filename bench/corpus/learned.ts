import { type AliasKind, aliasesToLearn, matchTransactions, withAliases } from '../../functions/core/matching';
import type { MatchResult } from '../../functions/core/model/matching';
import type { Corpus, Truth } from './generate';

/**
 * "Known payer, learned from a correction": finance letters each payment the matcher did not apply from a payer it did
 * not know (the corpus's new-account and third-party payments that pay ONE customer), which teaches that payer as an
 * alias; a later statement has one more payment from each such payer, for another open invoice of the same customer,
 * at its exact amount and without a reference. That statement is matched without and with the aliases.
 */
export function learnedPayerBench(corpus: Corpus, firstResults: readonly MatchResult[], ownIban: string) {
  const customers = corpus.customers.map((x) => ({
    customerId: x.customerId,
    name: x.name,
    ibans: x.knownIban ? [x.knownIban] : [],
  }));
  const customerOf = new Map(corpus.invoices.map((i) => [i.invoiceId, i.customerId]));
  const taught: { customerId: string; kind: AliasKind; value: string; display: string }[] = [];
  const paid = new Set<string>();
  const next: { entry: Corpus['statement']['entries'][number]; truth: Truth }[] = [];
  corpus.truth.forEach((t, k) => {
    for (const a of t.allocations) paid.add(a.invoiceId);
    if (t.category !== 'new-account' && t.category !== 'third-party') return;
    if (firstResults[k].status === 'matched') return; // nothing to correct
    const owners = new Set(t.allocations.map((a) => customerOf.get(a.invoiceId)));
    if (owners.size !== 1) return;
    const customerId = [...owners][0]!;
    const customer = customers.find((c) => c.customerId === customerId)!;
    const entry = corpus.statement.entries[k];
    const known = taught.filter((a) => a.customerId === customerId).map((a) => ({ ...a, removed: false }));
    const learned = aliasesToLearn(customer, known, entry);
    if (learned.length === 0) return;
    taught.push(...learned.map((a) => ({ customerId, ...a })));
    next.push({ entry, truth: { index: next.length, category: t.category, allocations: [] } });
  });
  const open = corpus.invoices.filter((i) => !paid.has(i.invoiceId));
  const used = new Set<string>();
  const statement = next.flatMap(({ entry }, n) => {
    const customerId = customerOf.get(corpus.truth[corpus.statement.entries.indexOf(entry)].allocations[0].invoiceId);
    const inv = open.find((i) => i.customerId === customerId && !used.has(i.invoiceId));
    if (!inv) return [];
    used.add(inv.invoiceId);
    const payment = {
      ...entry,
      index: n,
      transactionId: `L${n}`,
      amountCents: inv.openCents,
      label: `VIR SEPA ${entry.counterpartyName ?? ''}`.trim(),
      remittance: { unstructured: [], structured: [] },
    };
    return [{ payment, invoiceId: inv.invoiceId, amountCents: inv.openCents }];
  });
  const run = (withTaught: boolean) => {
    const results = matchTransactions({
      invoices: open,
      customers: withTaught ? withAliases(customers, taught) : customers,
      transactions: statement.map((s) => s.payment),
      options: { ownIbans: [ownIban] },
    });
    let auto = 0;
    let correct = 0;
    let autoOrFirst = 0;
    results.forEach((r, k) => {
      const want = JSON.stringify([{ invoiceId: statement[k].invoiceId, amountCents: statement[k].amountCents }]);
      if (r.status === 'matched') auto++;
      if (r.status === 'matched' && JSON.stringify(r.best?.allocations) === want) correct++;
      if (
        (r.status === 'matched'
          ? JSON.stringify(r.best?.allocations)
          : JSON.stringify(r.suggestions[0]?.allocations)) === want
      )
        autoOrFirst++;
    });
    return { payments: results.length, auto, correct, autoOrFirst };
  };
  return { corrections: next.length, aliases: taught.length, before: run(false), after: run(true) };
}
