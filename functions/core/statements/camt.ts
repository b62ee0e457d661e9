import type { BankAccount, LiveStatements, Statement } from '../model/statement';
import { type XmlHandler, XmlScanner, XmlSyntaxError } from '../xml/scanner';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { camtDate, entriesOf, signedCents, type Where } from './camt-entries';
import { NONE, READ_CHILDREN, READ_NAMES, Tree } from './camt-tree';
import { StatementParseError } from './errors';
import { dateOrThrow } from './text';

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
  // the whole text in one write: its lines are counted only if an error asks where (chunks would each be counted)
  const reader = camtReader(firstIndex);
  reader.write(text);
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
  /** The tree of the child of the statement being read, and its open nodes, innermost last. */
  private readonly tree = new Tree();
  private readonly capture: number[] = [];
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
    const { path, capture, tree } = this;
    if (path.length < 2) this.checkRoot(name, attrs, qname);
    const parent = path[path.length - 1];
    path.push(name);
    if (this.skipped > 0) {
      this.skipped++;
    } else if (capture.length > 0) {
      const known = READ_NAMES.get(name);
      if (known !== undefined) capture.push(tree.add(capture[capture.length - 1], known, attrs));
      else this.skipped = 1;
    } else if (this.current && parent && CONTAINERS.has(parent)) {
      if (READ_CHILDREN.has(name)) {
        tree.clear();
        capture.push(tree.add(NONE, READ_NAMES.get(name)!, attrs));
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
    this.tree.texts[this.capture[this.capture.length - 1]] += t;
    this.wantText = 2;
  }

  close(): void {
    const { capture } = this;
    if (this.skipped > 0) {
      this.skipped--;
    } else if (capture.length > 0) {
      const node = capture.pop()!;
      if (capture.length === 0 && this.current) {
        const raw = this.tree.names[node] === 'Ntry' ? this.scanner.takeMarked() : '';
        this.index += handleChild(this.current, this.tree, node, this.index, this.where, raw);
      }
    } else if (CONTAINERS.has(this.path[this.path.length - 1]) && this.current) {
      this.statements.push(finish(this.current, this.where));
      this.current = undefined;
    }
    this.path.pop();
    const top = capture.length > 0 ? capture[capture.length - 1] : NONE;
    this.wantText = this.skipped > 0 || top === NONE ? 0 : this.tree.texts[top] === '' ? 1 : 2;
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

function handleChild(b: StatementBuilder, tree: Tree, node: number, index: number, where: Where, raw: string): number {
  const st = b.statement;
  switch (tree.names[node]) {
    case 'Id':
      st.statementId = tree.textOf(node);
      return 0;
    case 'Acct': {
      st.account = accountOf(tree, node);
      const currency = tree.text(node, 'Ccy');
      if (currency) st.currency = currency;
      return 0;
    }
    case 'FrToDt': {
      const from = tree.text(node, 'FrDtTm');
      const to = tree.text(node, 'ToDtTm');
      if (from) st.periodStart = dateOrThrow(from.slice(0, 10), from, where);
      if (to) st.periodEnd = dateOrThrow(to.slice(0, 10), to, where);
      return 0;
    }
    case 'Bal':
      balanceOf(b, tree, node, where);
      return 0;
    case 'Ntry': {
      const entries = entriesOf(tree, node, index, where, raw);
      for (let i = 0; i < entries.length; i++) st.entries.push(entries[i]);
      return entries.length;
    }
    default:
      return 0;
  }
}

function balanceOf(b: StatementBuilder, tree: Tree, node: number, where: Where): void {
  const st = b.statement;
  const code = tree.text(node, 'Tp', 'CdOrPrtry', 'Cd') ?? tree.text(node, 'Tp', 'CdOrPrtry', 'Prtry') ?? '';
  const amt = tree.childNamed(node, 'Amt');
  const cents = signedCents(tree, amt, tree.text(node, 'CdtDbtInd'), where);
  if (Number.isNaN(cents)) throw new StatementParseError('missing_field', `balance ${code} without an amount`, where);
  if (!b.balances.has(code)) b.balances.set(code, cents);
  b.balanceCurrency ??= tree.attr(amt, 'Ccy');
  const date = camtDate(tree, tree.childNamed(node, 'Dt'), where);
  if (date && (code === 'OPBD' || code === 'PRCD')) st.periodStart ??= date;
  if (date && code === 'CLBD') st.periodEnd ??= date;
}

function accountOf(tree: Tree, node: number): BankAccount {
  const account: BankAccount = {};
  const iban = tree.text(node, 'Id', 'IBAN');
  const other = tree.text(node, 'Id', 'Othr', 'Id');
  if (iban) account.iban = normalizeIban(iban);
  else if (other) {
    if (isValidIban(other)) account.iban = normalizeIban(other);
    else account.accountNumber = other;
  }
  const bic = tree.text(node, 'Svcr', 'FinInstnId', 'BICFI') ?? tree.text(node, 'Svcr', 'FinInstnId', 'BIC');
  if (bic) account.bic = bic;
  return completeAccount(account);
}

function finish(b: StatementBuilder, where: Where): Statement {
  const st = b.statement;
  const opening = b.balances.get('OPBD') ?? b.balances.get('PRCD');
  const closing = b.balances.get('CLBD');
  if (opening !== undefined) st.openingBalanceCents = opening;
  if (closing !== undefined) st.closingBalanceCents = closing;
  if (st.currency === 'XXX') {
    const given = b.balanceCurrency ?? st.entries.find((e) => e.currency)?.currency;
    if (!given)
      throw new StatementParseError(
        'missing_field',
        'no currency: neither the account, a balance nor an amount',
        where,
      );
    st.currency = given;
  }
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
