import type { MatchCustomer, OpenInvoice } from './types';

/** How many of a customer's oldest open invoices the fee, partial and grouped-payment searches look at. */
const OLDEST = 32;

/**
 * The ledger of open amounts: what each invoice still owes as this run allocates, per customer oldest first and per
 * amount. Every change of an open amount goes through `set`, so the per-customer views stay right; the per-amount view
 * of a customer is built on first use.
 */
export class OpenLedger {
  /** What each invoice still owes, by position in `invoices`. */
  readonly open: number[];
  /** The customer (position in `customers`) of each invoice, -1 when unknown. */
  readonly customerOf: number[];
  private readonly customerPos = new Map<string, number>();
  private readonly customerInvoices: number[][];
  private readonly firstOpen: Int32Array;
  private readonly atStart = new Map<number, number[]>();
  private readonly amountMaps = new Map<number, Map<number, number[]>>();
  private idPos: Map<string, number> | undefined;

  constructor(
    readonly invoices: readonly OpenInvoice[],
    customers: readonly MatchCustomer[],
  ) {
    this.open = invoices.map((i) => i.openCents);
    customers.forEach((c, k) => {
      if (!this.customerPos.has(c.customerId)) this.customerPos.set(c.customerId, k);
    });
    this.customerOf = invoices.map((i) => this.customerPos.get(i.customerId) ?? -1);
    this.customerInvoices = customers.map(() => []);
    this.customerOf.forEach((c, i) => {
      if (c >= 0) this.customerInvoices[c].push(i);
    });
    for (const list of this.customerInvoices) list.sort(this.byAge);
    this.firstOpen = new Int32Array(customers.length);
    for (const [i, inv] of invoices.entries()) pushTo(this.atStart, inv.openCents, i);
  }

  /** Oldest first: by due date, then invoice number. */
  readonly byAge = (a: number, b: number): number => {
    const x = this.invoices[a];
    const y = this.invoices[b];
    return x.dueDate < y.dueDate
      ? -1
      : x.dueDate > y.dueDate
        ? 1
        : x.invoiceId < y.invoiceId
          ? -1
          : x.invoiceId > y.invoiceId
            ? 1
            : 0;
  };

  /** Position of an invoice by its id (built on first use: only returns and the CLI ask). */
  positionOf(invoiceId: string): number | undefined {
    this.idPos ??= new Map(this.invoices.map((inv, i) => [inv.invoiceId, i]));
    return this.idPos.get(invoiceId);
  }

  /** The customer's open invoices in a currency, oldest first, at most 32. */
  oldestOpen(c: number, currency: string): number[] {
    const list = this.customerInvoices[c];
    let k = this.firstOpen[c];
    while (k < list.length && this.open[list[k]] <= 0) k++;
    this.firstOpen[c] = k; // the closed ones before are skipped for good (a reopened one moves it back, see set)
    const out: number[] = [];
    for (; k < list.length && out.length < OLDEST; k++) {
      const i = list[k];
      if (this.open[i] > 0 && this.invoices[i].currency === currency) out.push(i);
    }
    return out;
  }

  /** The customer's open invoices owing exactly `amount` in a currency, oldest first. */
  openAt(c: number, amount: number, currency: string): number[] {
    return (this.amountsOf(c).get(amount) ?? [])
      .filter((i) => this.open[i] === amount && this.invoices[i].currency === currency)
      .sort(this.byAge);
  }

  /**
   * Every open invoice, of any customer, owing exactly `amount` in a currency (looked up among the amounts owed at the
   * start).
   */
  anyAt(amount: number, currency: string): number[] {
    return (this.atStart.get(amount) ?? []).filter(
      (i) => this.open[i] === amount && this.invoices[i].currency === currency,
    );
  }

  /** Sets what an invoice still owes. */
  set(i: number, value: number): void {
    const c = this.customerOf[i];
    const m = this.amountMaps.get(c);
    if (m && this.open[i] !== value) {
      const l = m.get(this.open[i]);
      if (l) {
        const at = l.indexOf(i);
        if (at >= 0) l.splice(at, 1);
      }
      if (value > 0) pushTo(m, value, i);
    }
    this.open[i] = value;
    if (value > 0 && c >= 0) {
      // reopened: it may sit before the customer's first open position
      const at = this.customerInvoices[c].indexOf(i);
      if (at >= 0 && at < this.firstOpen[c]) this.firstOpen[c] = at;
    }
  }

  private amountsOf(c: number): Map<number, number[]> {
    let m = this.amountMaps.get(c);
    if (!m) {
      m = new Map();
      for (const i of this.customerInvoices[c]) if (this.open[i] > 0) pushTo(m, this.open[i], i);
      this.amountMaps.set(c, m);
    }
    return m;
  }
}

function pushTo(m: Map<number, number[]>, key: number, i: number) {
  const l = m.get(key);
  if (l) l.push(i);
  else m.set(key, [i]);
}
