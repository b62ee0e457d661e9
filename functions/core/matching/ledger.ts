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
  /** Each invoice's place among its customer's invoices, oldest first (compares two invoices of one customer). */
  private readonly ageRank: Int32Array;
  /** Each invoice's due date as its rank among the due dates of the book (compared like the ISO strings). */
  private readonly dueRank: Int32Array;
  /** Each invoice's currency as a small integer (see `currencyCode`), compared without reaching the invoice. */
  readonly currencyOf: Int32Array;
  private readonly currencies = new Map<string, number>();
  /** Invoices by the amount they owed at the start, built on the first `anyAt` (no reference, no known payer). */
  private atStart: Map<number, number[]> | undefined;
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
    this.dueRank = ranks(invoices);
    this.customerInvoices = customers.map(() => []);
    this.customerOf.forEach((c, i) => {
      if (c >= 0) this.customerInvoices[c].push(i);
    });
    for (const list of this.customerInvoices) list.sort(this.byAge);
    const ageRank = new Int32Array(invoices.length); // set once every list is sorted: byAge reads it when set
    for (const list of this.customerInvoices) for (let k = 0; k < list.length; k++) ageRank[list[k]] = k;
    this.ageRank = ageRank;
    this.currencyOf = new Int32Array(invoices.length);
    for (let i = 0; i < invoices.length; i++) {
      const cur = invoices[i].currency;
      let code = this.currencies.get(cur);
      if (code === undefined) this.currencies.set(cur, (code = this.currencies.size));
      this.currencyOf[i] = code;
    }
    this.firstOpen = new Int32Array(customers.length);
  }

  /** Oldest first: by due date, then invoice number. */
  readonly byAge = (a: number, b: number): number => {
    const c = this.customerOf[a];
    if (c >= 0 && c === this.customerOf[b] && this.ageRank) return this.ageRank[a] - this.ageRank[b];
    const due = this.dueRank[a] - this.dueRank[b];
    if (due !== 0) return due;
    const x = this.invoices[a].invoiceId;
    const y = this.invoices[b].invoiceId;
    return x < y ? -1 : x > y ? 1 : 0;
  };

  /** The integer standing for a currency in `currencyOf`; -1 for a currency no invoice is in. */
  currencyCode(currency: string): number {
    return this.currencies.get(currency) ?? -1;
  }

  /** Position of an invoice by its id (built on first use: only returns and the CLI ask). */
  positionOf(invoiceId: string): number | undefined {
    this.idPos ??= new Map(this.invoices.map((inv, i) => [inv.invoiceId, i]));
    return this.idPos.get(invoiceId);
  }

  /** The customer's open invoices in a currency, oldest first, at most 32. */
  oldestOpen(c: number, currency: string): number[] {
    const list = this.customerInvoices[c];
    const cur = this.currencyCode(currency);
    let k = this.firstOpen[c];
    while (k < list.length && this.open[list[k]] <= 0) k++;
    this.firstOpen[c] = k; // the closed ones before are skipped for good (a reopened one moves it back, see set)
    const out: number[] = [];
    for (; k < list.length && out.length < OLDEST; k++) {
      const i = list[k];
      if (this.open[i] > 0 && this.currencyOf[i] === cur) out.push(i);
    }
    return out;
  }

  /** The customer's open invoices owing exactly `amount` in a currency, oldest first. */
  openAt(c: number, amount: number, currency: string): number[] {
    const cur = this.currencyCode(currency);
    const list = this.amountsOf(c).get(amount);
    if (!list) return [];
    return list.filter((i) => this.open[i] === amount && this.currencyOf[i] === cur).sort(this.byAge);
  }

  /**
   * Every open invoice, of any customer, owing exactly `amount` in a currency (looked up among the amounts owed at the
   * start).
   */
  anyAt(amount: number, currency: string): number[] {
    const cur = this.currencyCode(currency);
    return (this.byStartAmount().get(amount) ?? []).filter(
      (i) => this.open[i] === amount && this.currencyOf[i] === cur,
    );
  }

  /** Invoices by what they owed at the start (never changes: built once, now or on the first `anyAt`). */
  byStartAmount(): Map<number, number[]> {
    if (!this.atStart) {
      this.atStart = new Map();
      for (let i = 0; i < this.invoices.length; i++) pushTo(this.atStart, this.invoices[i].openCents, i);
    }
    return this.atStart;
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

/**
 * Each invoice's due date as its rank among the distinct due dates, which are sorted as strings: comparing two ranks
 * says what comparing the two strings says (a book has a few hundred due dates for 200,000 invoices, and sorting each
 * customer's invoices compared the strings some million times).
 */
function ranks(invoices: readonly OpenInvoice[]): Int32Array {
  const rankOf = new Map<string, number>();
  for (const inv of invoices) rankOf.set(inv.dueDate, 0);
  const dates = [...rankOf.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (let r = 0; r < dates.length; r++) rankOf.set(dates[r], r);
  const out = new Int32Array(invoices.length);
  for (let i = 0; i < invoices.length; i++) out[i] = rankOf.get(invoices[i].dueDate)!;
  return out;
}

function pushTo(m: Map<number, number[]>, key: number, i: number) {
  const l = m.get(key);
  if (l) l.push(i);
  else m.set(key, [i]);
}
