import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { accountKey, completeAccount, isValidIban } from './accounts';
import { checkBalances } from './balance';

export interface RowDates {
  booking: string;
  value: string | undefined;
}

/** What the statement of a row needs of it: amount, running balance, dates read day first and month first. */
export interface DatedRow {
  amount: number;
  balance: number | undefined;
  day: RowDates | undefined;
  month: RowDates | undefined;
}

/** One statement (an account and a currency) of a CSV export, followed row after row. */
export interface CsvGroup {
  account: BankAccount;
  currency: string;
  entries: StatementEntry[];
  /** Booking and value dates of the entries kept, read month first, two by entry (while month first is possible). */
  monthDates: Array<string | undefined>;
  /** Rows read, kept or not. */
  rows: number;
  first?: DatedRow;
  last?: DatedRow;
  /** Consecutive rows where "balance = previous balance + amount", oldest first, and newest first. */
  ascending: number;
  descending: number;
  /** Every row has the first row's balance (a repeated figure, when some later row moves money). */
  sameBalance: boolean;
  laterMoves: boolean;
  period: { day: [string, string] | undefined; month: [string, string] | undefined };
}

function csvGroup(account: BankAccount, currency: string): CsvGroup {
  return {
    account,
    currency,
    entries: [],
    monthDates: [],
    rows: 0,
    ascending: 0,
    descending: 0,
    sameBalance: true,
    laterMoves: false,
    period: { day: undefined, month: undefined },
  };
}

/**
 * The groups of a file, one per account (by accountKey) and currency, in the order first seen. An account cell is read
 * once (IBAN checks are not free, and an export names few accounts); consecutive rows of one group are found at once.
 */
export function csvGroups() {
  const groups = new Map<string, CsvGroup>();
  const accounts = new Map<string, { account: BankAccount; key: string }>();
  let last: { raw: string; currency: string; group: CsvGroup } | undefined;
  const accountOf = (raw: string, defaultAccount: BankAccount) => {
    let a = accounts.get(raw);
    if (!a) {
      const account = raw
        ? completeAccount(isValidIban(raw) ? { iban: raw } : { accountNumber: raw })
        : completeAccount(defaultAccount);
      a = { account, key: accountKey(account) };
      accounts.set(raw, a);
    }
    return a;
  };
  return {
    of(accountRaw: string, currency: string, defaultAccount: BankAccount): CsvGroup {
      if (last && last.raw === accountRaw && last.currency === currency) return last.group;
      const { account, key } = accountOf(accountRaw, defaultAccount);
      const groupKey = `${key}|${currency}`;
      let group = groups.get(groupKey);
      if (!group) groups.set(groupKey, (group = csvGroup(account, currency)));
      last = { raw: accountRaw, currency, group };
      return group;
    },
    all: () => [...groups.values()],
  };
}

function widen(period: [string, string] | undefined, date: string | undefined): [string, string] | undefined {
  if (date === undefined) return period;
  if (!period) return [date, date];
  if (date < period[0]) period[0] = date;
  else if (date > period[1]) period[1] = date;
  return period;
}

/** A row of the group, with its entry when it is kept. */
export function keepRow(g: CsvGroup, row: DatedRow, entry: StatementEntry | undefined): void {
  const previous = g.last;
  if (previous) {
    const p = previous.balance;
    const c = row.balance;
    if (p !== undefined && c !== undefined) {
      if (p + row.amount === c) g.ascending++;
      if (c + previous.amount === p) g.descending++;
    }
    if (row.amount !== 0) g.laterMoves = true;
  } else g.first = row;
  if (row.balance !== g.first!.balance) g.sameBalance = false;
  g.last = row;
  g.rows++;
  g.period.day = widen(g.period.day, row.day?.booking);
  g.period.month = widen(g.period.month, row.month?.booking);
  if (!entry) return;
  g.entries.push(entry);
  if (row.month) g.monthDates.push(row.month.booking, row.month.value);
  else if (g.monthDates.length > 0) g.monthDates = [];
}

/**
 * The statement of a group. A Solde column (balance after each row, oldest or newest first) gives opening and closing
 * balances and a real balance check: the order in which the running balance adds up wins, the dates settle a tie.
 */
export function csvStatement(g: CsvGroup, monthFirst: boolean): Statement {
  const dates = (r: DatedRow) => (monthFirst ? r.month : r.day)!;
  if (monthFirst) {
    g.entries.forEach((e, i) => {
      e.bookingDate = g.monthDates[2 * i]!;
      e.valueDate = g.monthDates[2 * i + 1];
    });
  }
  const period = (monthFirst ? g.period.month : g.period.day)!;
  const st: Statement = {
    format: 'csv',
    account: g.account,
    currency: g.currency,
    periodStart: period[0],
    periodEnd: period[1],
    entries: g.entries,
    balanceCheck: { status: 'not-applicable', reason: 'no Solde (balance) column' },
  };
  const first = g.first!;
  const last = g.last!;
  // some portals repeat the account's current balance on every row: that is not a running balance. A running balance
  // stays the same only across rows that move nothing, so the figure is a repeat when a later row moves money (rows
  // without a balance, in a file with no Solde column, repeat no figure)
  if (g.rows > 1 && g.sameBalance && g.laterMoves && first.balance !== undefined)
    st.balanceCheck = {
      status: 'not-applicable',
      reason: 'the balance column repeats one figure: not a running balance',
    };
  else if (first.balance !== undefined && last.balance !== undefined) {
    const descending =
      g.descending > g.ascending || (g.descending === g.ascending && dates(first).booking > dates(last).booking);
    const [oldest, newest] = descending ? [last, first] : [first, last];
    st.openingBalanceCents = oldest.balance! - oldest.amount;
    st.closingBalanceCents = newest.balance!;
    st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, g.entries);
  }
  return st;
}
