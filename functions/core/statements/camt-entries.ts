/**
 * The entries of one camt Ntry, read from its element tree (camt-tree.ts), and the values Ntry and Bal share (amounts,
 * dates).
 */
import type { StatementEntry } from '../model/statement';
import { NONE, type Tree } from './camt-tree';
import { ibanIn } from './compact-iban';
import { StatementParseError } from './errors';
import { amountOrThrow, dateOrThrow, stringPool } from './text';

export type Where = { line?: number; element?: string };

/** One string for the values entries repeat (dates, bank codes, currencies): kept once, not once per entry. */
export const shared = stringPool(4096);

/** The last date text read and its date: entries of a statement mostly repeat the same few dates. */
let lastDateText = '';
let lastDate = '';

/** The date of a Dt/DtTm choice (k: the element holding it, e.g. BookgDt). */
export function camtDate(tree: Tree, k: number, where: Where): string | undefined {
  const raw = tree.text(k, 'Dt') ?? tree.text(k, 'DtTm');
  if (!raw) return undefined;
  if (raw === lastDateText) return lastDate;
  const date = shared(dateOrThrow(raw.slice(0, 10), raw, where));
  lastDateText = raw;
  lastDate = date;
  return date;
}

const DECIMAL = /^\d*\.?\d+$/;

/** The cents of an amount element (signed by `indicator`), or NaN when k is NONE or its text blank. */
export function signedCents(tree: Tree, k: number, indicator: string | undefined, where: Where): number {
  const raw = tree.textOf(k);
  if (raw === undefined) return Number.NaN;
  // xs:decimal, never negative, a point and no grouping; zeros past the cents ("12.500") are harmless
  if (!DECIMAL.test(raw))
    throw new StatementParseError('invalid_amount', `not an amount: "${raw.slice(0, 40)}"`, where);
  const cents = amountOrThrow(raw, where, { decimal: '.', grouping: false });
  if (indicator !== undefined && indicator !== 'CRDT' && indicator !== 'DBIT') {
    throw new StatementParseError('corrupt', `CdtDbtInd "${indicator}" is neither CRDT nor DBIT`, where);
  }
  return indicator === 'DBIT' ? -cents : cents;
}

/** The codes of the BkTxCd below k, in an array of their own (an empty one when none). */
function bankCodesOf(tree: Tree, k: number): string[] {
  const btc = tree.childNamed(k, 'BkTxCd');
  if (btc === NONE) return [];
  const domn = tree.childNamed(btc, 'Domn');
  const domain = tree.text(domn, 'Cd');
  const proprietary = tree.text(btc, 'Prtry', 'Cd');
  if (!domain) return proprietary ? [proprietary] : [];
  const family = tree.text(domn, 'Fmly', 'Cd');
  const sub = tree.text(domn, 'Fmly', 'SubFmlyCd');
  let code = domain;
  if (family) code += `/${family}`;
  if (sub) code += `/${sub}`;
  return proprietary ? [shared(code), proprietary] : [shared(code)];
}

interface Details {
  bankReference: string | undefined;
  endToEndId: string | undefined;
  counterpartyName: string | undefined;
  counterpartyIban: string | undefined;
  unstructured: string[];
  structured: string[];
  label: string | undefined;
  /** undefined: none given (the Ntry's apply). */
  bankCodes: string[] | undefined;
}

function partyName(tree: Tree, party: number): string | undefined {
  return tree.text(party, 'Nm') ?? tree.text(party, 'Pty', 'Nm');
}

/** The remittance texts below the RmtInf children of tx, in document order. */
function remittanceOf(tree: Tree, tx: number, d: Details): void {
  for (let rmt = tree.childNamed(tx, 'RmtInf'); rmt !== NONE; rmt = tree.nextNamed(rmt)) {
    for (let u = tree.childNamed(rmt, 'Ustrd'); u !== NONE; u = tree.nextNamed(u)) {
      const t = tree.textOf(u);
      if (t) d.unstructured.push(t);
    }
    for (let s = tree.childNamed(rmt, 'Strd'); s !== NONE; s = tree.nextNamed(s)) {
      for (let cri = tree.childNamed(s, 'CdtrRefInf'); cri !== NONE; cri = tree.nextNamed(cri)) {
        const ref = tree.text(cri, 'Ref');
        if (ref) d.structured.push(ref);
      }
      for (let doc = tree.childNamed(s, 'RfrdDocInf'); doc !== NONE; doc = tree.nextNamed(doc)) {
        const nb = tree.text(doc, 'Nb');
        if (nb) d.structured.push(nb);
      }
      for (let addtl = tree.childNamed(s, 'AddtlRmtInf'); addtl !== NONE; addtl = tree.nextNamed(addtl)) {
        const t = tree.textOf(addtl);
        if (t) d.unstructured.push(t);
      }
    }
  }
}

function detailsOf(tree: Tree, tx: number, credit: boolean): Details {
  const codes = bankCodesOf(tree, tx);
  const d: Details = {
    bankReference: undefined,
    endToEndId: undefined,
    counterpartyName: undefined,
    counterpartyIban: undefined,
    unstructured: [],
    structured: [],
    label: undefined,
    bankCodes: codes.length ? codes : undefined,
  };
  if (tx === NONE) return d;
  const refs = tree.childNamed(tx, 'Refs');
  d.bankReference = tree.text(refs, 'AcctSvcrRef');
  const e2e = tree.text(refs, 'EndToEndId');
  if (e2e && e2e.toUpperCase() !== 'NOTPROVIDED') d.endToEndId = e2e;
  const parties = tree.childNamed(tx, 'RltdPties');
  if (parties !== NONE) {
    const acct = tree.childNamed(parties, credit ? 'DbtrAcct' : 'CdtrAcct');
    d.counterpartyName =
      partyName(tree, tree.childNamed(parties, credit ? 'Dbtr' : 'Cdtr')) ??
      partyName(tree, tree.childNamed(parties, credit ? 'UltmtDbtr' : 'UltmtCdtr'));
    const iban = tree.text(acct, 'Id', 'IBAN') ?? tree.text(acct, 'Id', 'Othr', 'Id');
    if (iban) d.counterpartyIban = ibanIn(iban);
  }
  remittanceOf(tree, tx, d);
  d.label = tree.text(tx, 'AddtlTxInf');
  return d;
}

/** The amount of a TxDtls: Amt, else AmtDtls/TxAmt (the booked amount), else AmtDtls/InstdAmt. */
function txAmountNode(tree: Tree, tx: number): number {
  const amt = tree.childNamed(tx, 'Amt');
  if (amt !== NONE) return amt;
  const details = tree.childNamed(tx, 'AmtDtls');
  const booked = tree.child(details, 'TxAmt', 'Amt');
  return booked !== NONE ? booked : tree.child(details, 'InstdAmt', 'Amt');
}

/** The TxDtls of every NtryDtls of the Ntry, in document order. */
function transactionsOf(tree: Tree, ntry: number): number[] {
  const txs: number[] = [];
  for (let nd = tree.childNamed(ntry, 'NtryDtls'); nd !== NONE; nd = tree.nextNamed(nd))
    for (let tx = tree.childNamed(nd, 'TxDtls'); tx !== NONE; tx = tree.nextNamed(tx)) txs.push(tx);
  return txs;
}

/** What every entry of one Ntry shares. */
interface NtryValues {
  firstIndex: number;
  bookingDate: string;
  valueDate: string | undefined;
  currency: string;
  codes: string[];
  reference: string | undefined;
  label: string | undefined;
  reversal: boolean;
  raw: string[];
}

/** A kept array at its own length (an array grown by push holds room for 16 or more, every entry is kept). */
function exact(values: string[]): string[] {
  return values.length === 0 ? [] : values.slice();
}

/** An xs:boolean (its text trimmed): `true` or `1`. */
const isTrue = (v: string | undefined): boolean => v === 'true' || v === '1';

function entryOf(n: NtryValues, cents: number, d: Details, i: number): StatementEntry {
  return {
    index: n.firstIndex + i,
    bookingDate: n.bookingDate,
    valueDate: n.valueDate,
    amountCents: cents,
    currency: n.currency,
    bankCodes: d.bankCodes ?? exact(n.codes),
    bankReference: d.bankReference ?? n.reference,
    endToEndId: d.endToEndId,
    label: d.label ?? n.label ?? d.counterpartyName ?? d.unstructured[0] ?? '',
    counterpartyName: d.counterpartyName,
    counterpartyIban: d.counterpartyIban,
    remittance: { unstructured: exact(d.unstructured), structured: exact(d.structured) },
    reversal: n.reversal,
    raw: n.raw,
  };
}

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The currency of an entry's amount: its `Ccy`; none given, '' until the statement's own currency is known (`finish`
 * in camt.ts gives it then). A `Ccy` that is not a currency code leaves the amount without a meaning: the file is
 * refused, naming it, rather than the entry read in a currency nobody wrote.
 */
function entryCurrency(ccy: string | undefined, where: Where): string {
  if (ccy === undefined) return '';
  if (CURRENCY.test(ccy)) return shared(ccy);
  throw new StatementParseError('corrupt', `not a currency code: "${ccy.slice(0, 20)}"`, where);
}

/**
 * The entries of an Ntry: one per TxDtls when there are several whose amounts add up to the Ntry's (batch booking),
 * else one with every detail merged; none when it is not booked.
 */
export function entriesOf(
  tree: Tree,
  ntry: number,
  firstIndex: number,
  where: Where,
  source: string,
): StatementEntry[] {
  const status = tree.text(ntry, 'Sts', 'Cd') ?? tree.text(ntry, 'Sts');
  if (status && status !== 'BOOK') return [];
  const txs = transactionsOf(tree, ntry);
  // some banks give the direction and the amount only in the (single) transaction details
  const only = txs.length === 1 ? txs[0] : NONE;
  const indicator = tree.text(ntry, 'CdtDbtInd') ?? tree.text(only, 'CdtDbtInd');
  if (!indicator) throw new StatementParseError('missing_field', 'entry without CdtDbtInd', where);
  let amt = tree.childNamed(ntry, 'Amt');
  if (amt === NONE) amt = tree.child(ntry, 'AmtDtls', 'TxAmt', 'Amt');
  if (amt === NONE && only !== NONE) amt = txAmountNode(tree, only);
  const cents = signedCents(tree, amt, indicator, where);
  if (Number.isNaN(cents)) throw new StatementParseError('missing_field', 'entry without an amount', where);
  const ccy = tree.attr(amt, 'Ccy');
  const bookingDate =
    camtDate(tree, tree.childNamed(ntry, 'BookgDt'), where) ?? camtDate(tree, tree.childNamed(ntry, 'ValDt'), where);
  if (!bookingDate) throw new StatementParseError('missing_field', 'entry without a booking date', where);
  const n: NtryValues = {
    firstIndex,
    bookingDate,
    valueDate: camtDate(tree, tree.childNamed(ntry, 'ValDt'), where),
    currency: entryCurrency(ccy, where),
    reversal: isTrue(tree.text(ntry, 'RvslInd')),
    reference: tree.text(ntry, 'AcctSvcrRef'),
    codes: bankCodesOf(tree, ntry),
    label: tree.text(ntry, 'AddtlNtryInf'),
    raw: [source],
  };
  const credit = cents >= 0;
  if (txs.length > 1) return batchOf(tree, txs, n, cents, indicator, where);
  return [entryOf(n, cents, detailsOf(tree, only, credit), 0)];
}

/** Several TxDtls: one entry each when their amounts add up to the Ntry's, else one entry of them all merged. */
function batchOf(tree: Tree, txs: number[], n: NtryValues, cents: number, indicator: string, where: Where) {
  const credit = cents >= 0;
  const parts = txs.map((tx) => {
    const amt = signedCents(tree, txAmountNode(tree, tx), tree.text(tx, 'CdtDbtInd') ?? indicator, where);
    return { amt, d: detailsOf(tree, tx, Number.isNaN(amt) ? credit : amt >= 0) };
  });
  const all = parts.every((p) => !Number.isNaN(p.amt));
  const sum = parts.reduce((s, p) => s + (Number.isNaN(p.amt) ? 0 : p.amt), 0);
  if (all && sum === cents) return parts.map((p, i) => entryOf(n, p.amt, p.d, i));
  const merged = detailsOf(tree, NONE, credit);
  for (const p of parts) {
    merged.unstructured.push(...p.d.unstructured);
    merged.structured.push(...p.d.structured);
    merged.counterpartyName ??= p.d.counterpartyName;
  }
  return [entryOf(n, cents, merged, 0)];
}
