import { BoundedMap } from '../bounded-map';
import type { StatementEntry } from '../model/statement';
import { parseAmountToCents } from '../money';
import { ibanIn } from './compact-iban';
import { StatementParseError } from './errors';
import { type ONode, Want } from './ofx-scan';
import { amountOrThrow, collapse, dateOrThrow, isBlank, MAX_STATEMENT_AMOUNT_CENTS } from './text';

/** The element names the reader looks for, as numbers (ONode.code); the first ten are a transaction's own fields. */
export enum Code {
  OTHER = 0,
  DTPOSTED = 1,
  DTAVAIL = 2,
  TRNAMT = 3,
  TRNTYPE = 4,
  FITID = 5,
  NAME = 6,
  MEMO = 7,
  REFNUM = 8,
  EXTDNAME = 9,
  PAYEE = 10,
  BANKACCTTO = 11,
  CCACCTTO = 12,
  CURRENCY = 13,
  ACCTID = 14,
  CURSYM = 15,
  STMTTRN = 16,
  BANKTRANLIST = 17,
  STMTRS = 18,
  CCSTMTRS = 19,
}

const CODES = new Map<string, number>(
  (
    'DTPOSTED DTAVAIL TRNAMT TRNTYPE FITID NAME MEMO REFNUM EXTDNAME PAYEE BANKACCTTO CCACCTTO CURRENCY ACCTID ' +
    'CURSYM STMTTRN BANKTRANLIST STMTRS CCSTMTRS'
  )
    .split(' ')
    .map((name, i) => [name, i + 1]),
);

export const codeOf = (name: string): number => CODES.get(name) ?? Code.OTHER;

/** A leaf found where a node is looked for (it has no children: nothing is ever looked for under it). */
const LEAF: ONode = {
  name: '',
  code: Code.OTHER,
  value: undefined,
  children: [],
  offset: 0,
  line: undefined,
  light: true,
  trn: undefined,
};

/**
 * What a transaction (a STMTTRN) reads of its element tree, taken as its elements open instead of kept as a tree: the
 * first child of each of its own fields; the first BANKACCTTO, CCACCTTO and CURRENCY anywhere in its tree (in file
 * order, as a depth-first search finds them) and the first ACCTID or CURSYM child of each; the first NAME child of its
 * first PAYEE. A field "seen" as an aggregate (or empty) has no value, as in a tree.
 *
 * The currency (OFX spec, 5.2): CURRENCY means TRNAMT is in its CURSYM; ORIGCURRENCY only says in which currency
 * the transaction was made (TRNAMT is already in CURDEF, converted at its CURRATE): it is not read.
 */
export class TrnFields {
  /** Bit `code` set: the first child of that name was seen (fields 1-10). */
  private seen = 0;
  dtPosted: string | undefined = undefined;
  dtAvail: string | undefined = undefined;
  trnAmt: string | undefined = undefined;
  trnType: string | undefined = undefined;
  fitId: string | undefined = undefined;
  name: string | undefined = undefined;
  memo: string | undefined = undefined;
  refNum: string | undefined = undefined;
  extdName: string | undefined = undefined;
  payee: ONode | undefined = undefined;
  bankTo: ONode | undefined = undefined;
  ccTo: ONode | undefined = undefined;
  currency: ONode | undefined = undefined;
  /** The first NAME of `payee`, ACCTID of `bankTo` and `ccTo`, CURSYM of `currency`. */
  payeeName: Child = NONE;
  bankToId: Child = NONE;
  ccToId: Child = NONE;
  sym: Child = NONE;

  constructor(readonly node: ONode) {}

  /** Whether an element `code` under `parent` (in this transaction's tree) is one to take. */
  wants(parent: ONode, code: number): boolean {
    if (parent === this.node && code <= Code.PAYEE) return code !== Code.OTHER && (this.seen & (1 << code)) === 0;
    switch (code) {
      case Code.BANKACCTTO:
        return this.bankTo === undefined;
      case Code.CCACCTTO:
        return this.ccTo === undefined;
      case Code.CURRENCY:
        return this.currency === undefined;
      case Code.ACCTID:
        return (parent === this.bankTo && this.bankToId === NONE) || (parent === this.ccTo && this.ccToId === NONE);
      case Code.CURSYM:
        return parent === this.currency && this.sym === NONE;
      case Code.NAME:
        return parent === this.payee && this.payeeName === NONE;
    }
    return false;
  }

  /** An element of this transaction's tree opened under `parent`: taken if wanted (see `put`). */
  take(parent: ONode, code: number, node: ONode | undefined, value: string | undefined): void {
    if (this.wants(parent, code)) this.put(parent, code, node, value);
  }

  /** An element `wants` asked for: `node` undefined for a leaf not kept as a node. */
  put(parent: ONode, code: number, node: ONode | undefined, value: string | undefined): void {
    if (parent === this.node && code <= Code.PAYEE) {
      this.seen |= 1 << code;
      this.direct(code, node, value);
      return;
    }
    const found = node ?? LEAF;
    switch (code) {
      case Code.BANKACCTTO:
        this.bankTo = found;
        break;
      case Code.CCACCTTO:
        this.ccTo = found;
        break;
      case Code.CURRENCY:
        this.currency = found;
        break;
      case Code.ACCTID:
        if (parent === this.bankTo && this.bankToId === NONE) this.bankToId = value;
        else this.ccToId = value;
        break;
      case Code.CURSYM:
        this.sym = value;
        break;
      case Code.NAME:
        this.payeeName = value;
        break;
    }
  }

  private direct(code: number, node: ONode | undefined, value: string | undefined): void {
    switch (code) {
      case Code.DTPOSTED:
        this.dtPosted = value;
        break;
      case Code.DTAVAIL:
        this.dtAvail = value;
        break;
      case Code.TRNAMT:
        this.trnAmt = value;
        break;
      case Code.TRNTYPE:
        this.trnType = value;
        break;
      case Code.FITID:
        this.fitId = value;
        break;
      case Code.NAME:
        this.name = value;
        break;
      case Code.MEMO:
        this.memo = value;
        break;
      case Code.REFNUM:
        this.refNum = value;
        break;
      case Code.EXTDNAME:
        this.extdName = value;
        break;
      case Code.PAYEE:
        this.payee = node ?? LEAF;
        break;
    }
  }

  /** The currency TRNAMT is in when it is not the statement's (CURSYM of CURRENCY), if any. */
  currencyNamed(): string | undefined {
    return (this.currency ? got(this.sym) : undefined)?.toUpperCase();
  }
}

/** A child not seen yet (a child seen without a value is undefined). */
const NONE: unique symbol = Symbol('not seen');
type Child = string | undefined | typeof NONE;
const got = (c: Child): string | undefined => (c === NONE ? undefined : c || undefined);

/** The reader's choice for a leaf under a light aggregate (see ScanEvents.wants). */
export function wantOf(parent: ONode, code: number): Want {
  if (code === Code.STMTRS || code === Code.CCSTMTRS) return Want.NODE;
  return fieldsOf(parent)?.wants(parent, code) ? Want.VALUE : Want.SKIP;
}

const dates = new BoundedMap<string, string>(10_000);

/** YYYYMMDD, with anything after it (time, zone) ignored; read once per distinct text. */
export function ofxDate(raw: string | undefined, element: string): string | undefined {
  if (!raw) return undefined;
  const known = dates.get(raw);
  if (known) return known;
  for (let i = 0; i < 8; i++) {
    const c = raw.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) throw new StatementParseError('invalid_date', `not an OFX date: "${raw.slice(0, 30)}"`);
  }
  const iso = dateOrThrow(`${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`, raw, { element });
  dates.set(raw, iso);
  return iso;
}

const NO_GROUPING = { grouping: false } as const;

export function ofxAmount(raw: string | undefined, node: string, field: string): number {
  if (!raw) throw new StatementParseError('missing_field', `${node} without ${field}`, { element: `${node}/${field}` });
  let cents: number | undefined;
  try {
    cents = parseAmountToCents(raw, NO_GROUPING);
  } catch {
    // the error as amountOrThrow words it
  }
  if (cents !== undefined && Math.abs(cents) <= MAX_STATEMENT_AMOUNT_CENTS) return cents;
  return amountOrThrow(raw, { element: `${node}/${field}` }, NO_GROUPING);
}

/** An entry whose currency is its statement's, known when the statement closes. */
export const STATEMENT_CURRENCY = '';

/** REFNUM's references: its words (split on white space as /\s+/ does). */
function words(s: string): string[] {
  for (let i = 0; i < s.length; i++) if (isBlank(s.charCodeAt(i))) return s.split(/\s+/).filter(Boolean);
  return [s];
}

export function transaction(f: TrnFields, index: number, currency: string | undefined, raw: string): StatementEntry {
  const bookingDate = ofxDate(f.dtPosted || undefined, 'STMTTRN');
  if (!bookingDate)
    throw new StatementParseError('missing_field', 'transaction without DTPOSTED', { element: 'STMTTRN' });
  const amount = ofxAmount(f.trnAmt || undefined, 'STMTTRN', 'TRNAMT');
  const payeeName = f.payee ? got(f.payeeName) : undefined;
  const name = f.name || payeeName;
  const memo = f.memo || undefined;
  const counterpartyAccount = f.bankTo ? got(f.bankToId) : f.ccTo ? got(f.ccToId) : undefined;
  const refnum = f.refNum || undefined;
  const type = f.trnType || undefined;
  return {
    index,
    bookingDate,
    valueDate: ofxDate(f.dtAvail || undefined, 'STMTTRN'),
    amountCents: amount,
    currency: currency ?? STATEMENT_CURRENCY,
    bankCodes: type ? [type.toUpperCase()] : [],
    bankReference: f.fitId || undefined,
    label: collapse(name ?? memo ?? ''),
    counterpartyName: f.extdName || payeeName,
    counterpartyIban: counterpartyAccount ? ibanIn(counterpartyAccount) : undefined,
    remittance: {
      unstructured: memo ? [collapse(memo)] : [],
      structured: refnum ? words(refnum) : [],
    },
    reversal: false,
    raw: [raw],
  };
}

/** The transaction fields a node carries (the scanner keeps them as an opaque slot). */
export function fieldsOf(node: ONode): TrnFields | undefined {
  return node.trn as TrnFields | undefined;
}
