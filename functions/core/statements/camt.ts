import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { type XmlHandler, XmlScanner, XmlSyntaxError } from '../xml/scanner';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { child, children, NO_ATTRS, NO_CHILDREN, READ_CHILDREN, READ_NAMES, text, type XNode } from './camt-tree';
import { StatementParseError } from './errors';
import { amountOrThrow, collapse, dateOrThrow } from './text';

export type CamtKind = 'camt053' | 'camt054';
export const CAMT_VERSIONS = { min: 2, max: 13 } as const;

/** camt.052 account reports (Rpt) have the statement's structure and are read as camt.053. */
const ROOTS: Record<string, CamtKind> = {
  BkToCstmrStmt: 'camt053',
  BkToCstmrAcctRpt: 'camt053',
  BkToCstmrDbtCdtNtfctn: 'camt054',
};
const CONTAINERS = new Set(['Stmt', 'Rpt', 'Ntfctn']);
interface StatementBuilder {
  statement: Statement;
  balances: Map<string, number>;
  balanceCurrency?: string;
}

/**
 * ISO 20022 camt.053 (BkToCstmrStmt, and camt.052 BkToCstmrAcctRpt read alike) and camt.054 (BkToCstmrDbtCdtNtfctn),
 * versions 001.02 to 001.13, read with a
 * streaming parser: only one Ntry is held as a tree at a time, so a 20 MB file needs little more memory than its
 * entries. An Ntry with several TxDtls whose amounts add up to the Ntry amount gives one entry per TxDtls (batch
 * booking); otherwise one entry with every detail merged. Entries not booked (Sts other than BOOK) are left out.
 */
export function parseCamt(text: string, firstIndex = 0): CamtResult {
  const reader = camtReader(firstIndex);
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; ) {
    // cut after a '>': the scanner then reads each chunk whole, never a join of two
    let j = Math.min(text.length, i + CHUNK);
    const gt = j < text.length ? text.lastIndexOf('>', j - 1) : -1;
    if (gt >= i) j = gt + 1;
    reader.write(text.slice(i, j));
    i = j;
  }
  return reader.end();
}

export interface CamtResult {
  kind: CamtKind;
  version: string;
  statements: Statement[];
}

/**
 * parseCamt one chunk of text at a time, on the streaming XmlScanner: the text is kept from the start of the entry
 * being read (its source is the entry's raw text), else from the start of the tag being read: never the whole document.
 */
export function camtReader(firstIndex = 0): { write(text: string): void; end(): CamtResult; live(): LiveStatements } {
  const reader = new CamtHandler(firstIndex);
  const scanner = new XmlScanner(reader);
  reader.scanner = scanner;
  const guarded = (read: () => void) => {
    try {
      read();
    } catch (e) {
      if (!(e instanceof XmlSyntaxError)) throw e;
      throw new StatementParseError(e.code, `XML: ${e.message}`, { line: e.line, element: reader.element() });
    }
  };
  return {
    live: () => ({ done: reader.statements, open: reader.current?.statement }),
    write: (chunk: string) => guarded(() => scanner.write(chunk)),
    end() {
      guarded(() => scanner.end());
      return result(reader.kind, reader.version, reader.statements);
    },
  };
}

/**
 * The camt reading of the scanner's events. Below Stmt/Rpt/Ntfctn, only the elements the statement is read from
 * (READ_NAMES) are built as a tree, one child of the statement at a time; any other element and all it holds is
 * skipped, its text never made a string.
 */
class CamtHandler implements XmlHandler {
  scanner!: XmlScanner;
  wantText: 0 | 1 | 2 = 0;
  readonly statements: Statement[] = [];
  kind: CamtKind | undefined;
  version = '';
  current: StatementBuilder | undefined;
  private readonly path: string[] = [];
  /** The element being built, innermost last. */
  private readonly capture: XNode[] = [];
  /** Depth inside a skipped element (0: not skipping). */
  private skipped = 0;
  private index: number;
  /** Where the reader is, read only when an error is made. */
  private readonly where: { line?: number; element?: string };

  constructor(firstIndex: number) {
    this.index = firstIndex;
    this.where = new LazyWhere(this);
  }

  element(): string | undefined {
    return this.path.join('/') || undefined;
  }

  open(name: string, attrs: Record<string, string> | null, qname: string): void {
    const { path, capture } = this;
    if (path.length < 2) this.checkRoot(name, attrs, qname);
    const parent = path[path.length - 1];
    path.push(name);
    if (this.skipped > 0) {
      this.skipped++;
    } else if (capture.length > 0) {
      if (READ_NAMES.has(name)) {
        const node: XNode = { name, attrs: attrs ?? NO_ATTRS, children: NO_CHILDREN, text: '' };
        const up = capture[capture.length - 1];
        if (up.children === NO_CHILDREN) up.children = [node];
        else up.children.push(node);
        capture.push(node);
      } else this.skipped = 1;
    } else if (this.current && parent && CONTAINERS.has(parent)) {
      if (READ_CHILDREN.has(name)) {
        capture.push({ name, attrs: attrs ?? NO_ATTRS, children: NO_CHILDREN, text: '' });
        if (name === 'Ntry') this.scanner.markTag();
      } else this.skipped = 1;
    } else if (CONTAINERS.has(name) && this.kind && path.length <= 4) {
      this.current = {
        statement: { format: this.kind, account: {}, currency: 'XXX', entries: [], balanceCheck: { status: 'ok' } },
        balances: new Map(),
      };
    }
    this.wantText = this.skipped === 0 && capture.length > 0 ? 1 : 0;
  }

  text(t: string): void {
    this.capture[this.capture.length - 1].text += t;
    this.wantText = 2;
  }

  close(): void {
    const { capture } = this;
    if (this.skipped > 0) {
      this.skipped--;
    } else if (capture.length > 0) {
      const node = capture.pop()!;
      if (capture.length === 0 && this.current) {
        const raw = node.name === 'Ntry' ? this.scanner.takeMarked() : '';
        this.index += handleChild(this.current, node, this.index, this.where, raw);
      }
    } else if (CONTAINERS.has(this.path[this.path.length - 1]) && this.current) {
      this.statements.push(finish(this.current, this.where));
      this.current = undefined;
    }
    this.path.pop();
    const top = capture[capture.length - 1];
    this.wantText = this.skipped > 0 || !top ? 0 : top.text === '' ? 1 : 2;
  }

  /** The root (Document, or the message itself) and its namespace: the camt version. */
  private checkRoot(name: string, attrs: Record<string, string> | null, qname: string): void {
    const where = { line: this.scanner.line(), element: name };
    if (this.path.length === 1) {
      if (!this.kind) {
        this.kind = ROOTS[name];
        if (!this.kind)
          throw new StatementParseError('unknown_format', `<${name}> is not a camt.052, camt.053 or camt.054 message`, {
            line: where.line,
            element: this.element(),
          });
      }
      return;
    }
    const colon = qname.indexOf(':');
    const ns = attrs?.[colon < 0 ? 'xmlns' : `xmlns:${qname.slice(0, colon)}`] ?? '';
    const m = /camt\.(05[234])\.001\.(\d{2})/.exec(ns);
    if (m) {
      this.version = `camt.${m[1]}.001.${m[2]}`;
      const v = Number(m[2]);
      if (v < CAMT_VERSIONS.min || v > CAMT_VERSIONS.max)
        throw new StatementParseError(
          'unsupported_version',
          `${this.version} is not a supported version (001.02 to 001.13)`,
          where,
        );
    } else if (ns && /camt\.\d{3}/.test(ns)) {
      throw new StatementParseError('unknown_format', `${ns} is not a camt.052, camt.053 or camt.054 statement`, where);
    }
    if (ROOTS[name]) this.kind = ROOTS[name];
    else if (name !== 'Document')
      throw new StatementParseError('unknown_format', `<${name}> is not an ISO 20022 statement`, where);
  }
}

/** A reader's position for its errors, worked out only when an error reads it. */
class LazyWhere {
  constructor(private readonly reader: CamtHandler) {}
  get line(): number {
    return this.reader.scanner.line();
  }
  get element(): string | undefined {
    return this.reader.element();
  }
}

function result(kind: CamtKind | undefined, version: string, statements: Statement[]): CamtResult {
  if (!kind) throw new StatementParseError('unknown_format', 'no camt.053 or camt.054 message in the XML');
  if (statements.length === 0)
    throw new StatementParseError(
      'empty',
      `no Stmt, Rpt or Ntfctn in the ${kind === 'camt053' ? 'camt.053' : 'camt.054'} file`,
    );
  return { kind, version: version || (kind === 'camt053' ? 'camt.053' : 'camt.054'), statements };
}

function camtDate(node: XNode | undefined, where: { line?: number; element?: string }): string | undefined {
  const raw = text(node, 'Dt') ?? text(node, 'DtTm');
  if (!raw) return undefined;
  return shared(dateOrThrow(raw.slice(0, 10), raw, where));
}

/**
 * One string for the values entries repeat (dates, bank codes, currencies): kept once, not once per entry. Bounded:
 * past SHARED_MAX different values, values are kept as they are. Only short strings made here (slices of under 13
 * characters, joins) may go in: a longer slice of the text would keep its whole chunk alive from one file to the next.
 */
const SHARED = new Map<string, string>();
const SHARED_MAX = 4096;
function shared(value: string): string {
  const known = SHARED.get(value);
  if (known !== undefined) return known;
  if (SHARED.size < SHARED_MAX) SHARED.set(value, value);
  return value;
}

function signedAmount(
  amtNode: XNode | undefined,
  indicator: string | undefined,
  where: { line?: number; element?: string },
): { cents: number; currency?: string } | undefined {
  const raw = amtNode ? collapse(amtNode.text) : '';
  if (!raw) return undefined;
  // xs:decimal, never negative, a point and no grouping; zeros past the cents ("12.500") are harmless
  if (!/^\d*\.?\d+$/.test(raw))
    throw new StatementParseError('invalid_amount', `not an amount: "${raw.slice(0, 40)}"`, where);
  const cents = amountOrThrow(raw, where, { decimal: '.', grouping: false });
  if (indicator !== undefined && indicator !== 'CRDT' && indicator !== 'DBIT') {
    throw new StatementParseError('corrupt', `CdtDbtInd "${indicator}" is neither CRDT nor DBIT`, where);
  }
  return { cents: indicator === 'DBIT' ? -cents : cents, currency: amtNode?.attrs.Ccy };
}

function handleChild(
  b: StatementBuilder,
  node: XNode,
  index: number,
  where: { line?: number; element?: string },
  raw: string,
): number {
  const st = b.statement;
  switch (node.name) {
    case 'Id':
      st.statementId = collapse(node.text) || undefined;
      return 0;
    case 'Acct':
      st.account = accountOf(node);
      if (text(node, 'Ccy')) st.currency = text(node, 'Ccy')!;
      return 0;
    case 'FrToDt': {
      const from = text(node, 'FrDtTm');
      const to = text(node, 'ToDtTm');
      if (from) st.periodStart = dateOrThrow(from.slice(0, 10), from, where);
      if (to) st.periodEnd = dateOrThrow(to.slice(0, 10), to, where);
      return 0;
    }
    case 'Bal': {
      const code = text(node, 'Tp', 'CdOrPrtry', 'Cd') ?? text(node, 'Tp', 'CdOrPrtry', 'Prtry') ?? '';
      const amt = signedAmount(child(node, 'Amt'), text(node, 'CdtDbtInd'), where);
      if (!amt) throw new StatementParseError('missing_field', `balance ${code} without an amount`, where);
      if (!b.balances.has(code)) b.balances.set(code, amt.cents);
      b.balanceCurrency ??= amt.currency;
      const date = camtDate(child(node, 'Dt'), where);
      if (date && (code === 'OPBD' || code === 'PRCD')) st.periodStart ??= date;
      if (date && code === 'CLBD') st.periodEnd ??= date;
      return 0;
    }
    case 'Ntry': {
      const entries = entriesOf(node, index, where, raw);
      st.entries.push(...entries);
      return entries.length;
    }
    default:
      return 0;
  }
}

function accountOf(node: XNode): BankAccount {
  const account: BankAccount = {};
  const iban = text(node, 'Id', 'IBAN');
  const other = text(node, 'Id', 'Othr', 'Id');
  if (iban) account.iban = normalizeIban(iban);
  else if (other) {
    if (isValidIban(other)) account.iban = normalizeIban(other);
    else account.accountNumber = other;
  }
  const bic = text(node, 'Svcr', 'FinInstnId', 'BICFI') ?? text(node, 'Svcr', 'FinInstnId', 'BIC');
  if (bic) account.bic = bic;
  return completeAccount(account);
}

function finish(b: StatementBuilder, where: { line?: number; element?: string }): Statement {
  const st = b.statement;
  const opening = b.balances.get('OPBD') ?? b.balances.get('PRCD');
  const closing = b.balances.get('CLBD');
  if (opening !== undefined) st.openingBalanceCents = opening;
  if (closing !== undefined) st.closingBalanceCents = closing;
  if (st.currency === 'XXX') st.currency = b.balanceCurrency ?? st.entries[0]?.currency ?? 'XXX';
  if (!/^[A-Z]{3}$/.test(st.currency))
    throw new StatementParseError('corrupt', `not a currency code: "${st.currency}"`, where);
  for (const e of st.entries) if (!/^[A-Z]{3}$/.test(e.currency)) e.currency = st.currency;
  if (!st.periodStart && st.entries.length) st.periodStart = st.entries.map((e) => e.bookingDate).sort()[0];
  if (!st.periodEnd && st.entries.length)
    st.periodEnd = st.entries
      .map((e) => e.bookingDate)
      .sort()
      .at(-1);
  st.balanceCheck =
    st.format === 'camt054'
      ? { status: 'not-applicable', reason: 'a camt.054 notification carries no balances' }
      : checkBalances(st.openingBalanceCents, st.closingBalanceCents, st.entries);
  return st;
}

/**
 * A kept array at its own length: an array grown by push holds room for 16 or more (about 130 bytes per entry each),
 * and every entry is kept, copied by each young-generation GC until it is promoted.
 */
function exact(values: string[]): string[] {
  return values.length === 0 ? [] : values.slice();
}

function bankCodesOf(node: XNode | undefined): string[] {
  const btc = child(node, 'BkTxCd');
  if (!btc) return [];
  const out: string[] = [];
  const domain = text(btc, 'Domn', 'Cd');
  const family = text(btc, 'Domn', 'Fmly', 'Cd');
  const sub = text(btc, 'Domn', 'Fmly', 'SubFmlyCd');
  if (domain) out.push(shared([domain, family, sub].filter(Boolean).join('/')));
  const proprietary = text(btc, 'Prtry', 'Cd');
  if (proprietary) out.push(proprietary);
  return out;
}

interface Details {
  bankReference?: string;
  endToEndId?: string;
  counterpartyName?: string;
  counterpartyIban?: string;
  unstructured: string[];
  structured: string[];
  label?: string;
  bankCodes: string[];
}

function partyName(party: XNode | undefined): string | undefined {
  return text(party, 'Nm') ?? text(party, 'Pty', 'Nm');
}

function detailsOf(tx: XNode | undefined, credit: boolean): Details {
  const d: Details = { unstructured: [], structured: [], bankCodes: bankCodesOf(tx) };
  if (!tx) return d;
  d.bankReference = text(tx, 'Refs', 'AcctSvcrRef');
  const e2e = text(tx, 'Refs', 'EndToEndId');
  if (e2e && e2e.toUpperCase() !== 'NOTPROVIDED') d.endToEndId = e2e;
  const parties = child(tx, 'RltdPties');
  const [who, ultimate, acct] = credit ? ['Dbtr', 'UltmtDbtr', 'DbtrAcct'] : ['Cdtr', 'UltmtCdtr', 'CdtrAcct'];
  d.counterpartyName = partyName(child(parties, who)) ?? partyName(child(parties, ultimate));
  const iban = text(parties, acct, 'Id', 'IBAN') ?? text(parties, acct, 'Id', 'Othr', 'Id');
  if (iban && isValidIban(iban)) d.counterpartyIban = normalizeIban(iban);
  for (const rmt of children(tx, 'RmtInf')) {
    for (const u of children(rmt, 'Ustrd')) {
      const t = collapse(u.text);
      if (t) d.unstructured.push(t);
    }
    for (const s of children(rmt, 'Strd')) {
      for (const cri of children(s, 'CdtrRefInf')) {
        const ref = text(cri, 'Ref');
        if (ref) d.structured.push(ref);
      }
      for (const doc of children(s, 'RfrdDocInf')) {
        const nb = text(doc, 'Nb');
        if (nb) d.structured.push(nb);
      }
      for (const addtl of children(s, 'AddtlRmtInf')) {
        const t = collapse(addtl.text);
        if (t) d.unstructured.push(t);
      }
    }
  }
  d.label = text(tx, 'AddtlTxInf');
  return d;
}

/** The amount of a TxDtls: Amt, else AmtDtls/TxAmt (the booked amount), else AmtDtls/InstdAmt. */
function txAmountNode(tx: XNode): XNode | undefined {
  return child(tx, 'Amt') ?? child(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? child(tx, 'AmtDtls', 'InstdAmt', 'Amt');
}

function entriesOf(
  ntry: XNode,
  firstIndex: number,
  where: { line?: number; element?: string },
  source: string,
): StatementEntry[] {
  const status = text(ntry, 'Sts', 'Cd') ?? text(ntry, 'Sts');
  if (status && status !== 'BOOK') return [];
  const txs = children(ntry, 'NtryDtls').flatMap((nd) => children(nd, 'TxDtls'));
  // some banks give the direction and the amount only in the (single) transaction details
  const only = txs.length === 1 ? txs[0] : undefined;
  const indicator = text(ntry, 'CdtDbtInd') ?? text(only, 'CdtDbtInd');
  if (!indicator) throw new StatementParseError('missing_field', 'entry without CdtDbtInd', where);
  const amount = signedAmount(
    child(ntry, 'Amt') ?? child(ntry, 'AmtDtls', 'TxAmt', 'Amt') ?? (only && txAmountNode(only)),
    indicator,
    where,
  );
  if (!amount) throw new StatementParseError('missing_field', 'entry without an amount', where);
  const bookingDate = camtDate(child(ntry, 'BookgDt'), where) ?? camtDate(child(ntry, 'ValDt'), where);
  if (!bookingDate) throw new StatementParseError('missing_field', 'entry without a booking date', where);
  const valueDate = camtDate(child(ntry, 'ValDt'), where);
  const credit = amount.cents >= 0;
  const reversal = text(ntry, 'RvslInd') === 'true';
  const ntryRef = text(ntry, 'AcctSvcrRef');
  const ntryCodes = bankCodesOf(ntry);
  const ntryLabel = text(ntry, 'AddtlNtryInf');
  const raw = [source];

  const make = (cents: number, d: Details, i: number): StatementEntry => ({
    index: firstIndex + i,
    bookingDate,
    valueDate,
    amountCents: cents,
    currency: amount.currency && /^[A-Z]{3}$/.test(amount.currency) ? shared(amount.currency) : 'XXX',
    bankCodes: exact(d.bankCodes.length ? d.bankCodes : ntryCodes),
    bankReference: d.bankReference ?? ntryRef,
    endToEndId: d.endToEndId,
    label: d.label ?? ntryLabel ?? d.counterpartyName ?? d.unstructured[0] ?? '',
    counterpartyName: d.counterpartyName,
    counterpartyIban: d.counterpartyIban,
    remittance: { unstructured: exact(d.unstructured), structured: exact(d.structured) },
    reversal,
    raw,
  });

  if (txs.length > 1) {
    const parts = txs.map((tx) => {
      const amt = signedAmount(txAmountNode(tx), text(tx, 'CdtDbtInd') ?? indicator, where);
      return { amt, d: detailsOf(tx, amt ? amt.cents >= 0 : credit) };
    });
    const all = parts.every((p) => p.amt !== undefined);
    const sum = parts.reduce((s, p) => s + (p.amt?.cents ?? 0), 0);
    if (all && sum === amount.cents) return parts.map((p, i) => make(p.amt!.cents, p.d, i));
    const merged: Details = { unstructured: [], structured: [], bankCodes: ntryCodes };
    for (const p of parts) {
      merged.unstructured.push(...p.d.unstructured);
      merged.structured.push(...p.d.structured);
      merged.counterpartyName ??= p.d.counterpartyName;
    }
    return [make(amount.cents, merged, 0)];
  }
  return [make(amount.cents, detailsOf(txs[0], credit), 0)];
}
