import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { StatementParseError } from './errors';
import { OfxScanner, type ONode } from './ofx-scan';
import {
  Code,
  codeOf,
  fieldsOf,
  ofxAmount,
  ofxDate,
  STATEMENT_CURRENCY,
  TrnFields,
  transaction,
  wantOf,
} from './ofx-trn';

const STATEMENTS = new Set(['STMTRS', 'CCSTMTRS']);
const isStatement = (node: ONode) => node.code === Code.STMTRS || node.code === Code.CCSTMTRS;
const TRANLIST = new Set(['BANKTRANLIST']);
/** Elements an error may name once their text is gone: their line is counted when they open. */
const LINED = new Set(['STMTRS', 'CCSTMTRS', 'BANKTRANLIST', 'LEDGERBAL']);
/** A STMTTRN whose end tag is left out (SGML) ends where the next one opens. */
const UNNESTED = new Set(['STMTTRN']);
/** Statements of a kind not read (investment, loan...): their transactions are theirs, not a bank statement's. */
const OTHER_STATEMENT = /.STMTRS$/;

function find(node: ONode | undefined, name: string): ONode | undefined {
  if (!node) return undefined;
  for (const c of node.children) {
    if (c.name === name) return c;
    const deep = find(c, name);
    if (deep) return deep;
  }
  return undefined;
}

/**
 * The nodes named `names` under `node`, in file order, looking inside the ones found too, but not inside the `stop`
 * ones (the transactions of a nested statement are its own).
 */
function findAll(node: ONode, names: Set<string>, out: ONode[] = [], stop?: Set<string>): ONode[] {
  for (const c of node.children) {
    if (stop?.has(c.name)) continue;
    if (names.has(c.name)) out.push(c);
    findAll(c, names, out, stop);
  }
  return out;
}

function val(node: ONode | undefined, name: string): string | undefined {
  const c = node?.children.find((n) => n.name === name);
  return c?.value || undefined;
}

/** Gives a parse error thrown without a position the line of the node (computed only on failure). */
function placed(e: unknown, node: ONode, line: () => number): unknown {
  if (e instanceof StatementParseError && e.line === undefined)
    return new StatementParseError(e.code, e.message, { line: line(), element: e.element ?? node.name });
  return e;
}

function accountOf(from: ONode | undefined): BankAccount {
  const account: BankAccount = {};
  const id = val(from, 'ACCTID');
  const bank = val(from, 'BANKID');
  const branch = val(from, 'BRANCHID');
  if (id && isValidIban(id)) account.iban = normalizeIban(id);
  else if (id) account.accountNumber = id;
  if (bank) account.bankCode = bank;
  if (branch) account.branchCode = branch;
  return completeAccount(account);
}

/** A statement being read: its entries come as their STMTTRN close; the rest is read when it closes. */
interface Open {
  node: ONode;
  statement: Statement;
  /** The CURSYM of each transaction (undefined for none), for a statement whose CURDEF is empty. */
  named: Set<string | undefined>;
  finished: boolean;
  error?: unknown;
}

/**
 * OFX bank (STMTRS) and credit card (CCSTMTRS) statements. OFX carries the closing balance (LEDGERBAL) but no opening
 * balance, so the balance check is "not-applicable".
 */
export function parseOfx(text: string, firstIndex = 0): Statement[] {
  const reader = ofxReader(firstIndex);
  reader.write(text);
  return reader.end();
}

/**
 * parseOfx one chunk of text at a time: each STMTTRN becomes its entry when it closes (its elements are then
 * dropped), each statement is finished when it closes. Only the text from the start of the transaction being read is
 * kept. Errors in the content are kept until the end, so that a truncated file is reported as such, as when it is
 * read whole; statements come in file order, entries are numbered in the order they close.
 */
export function ofxReader(firstIndex = 0): { write(text: string): void; end(): Statement[]; live(): LiveStatements } {
  const opens: Open[] = [];
  const done: Statement[] = [];
  const byNode = new Map<ONode, Open>();
  let index = firstIndex;
  /** A transaction outside any statement: the file is refused (its money would be lost). */
  let stray: StatementParseError | undefined;
  const signs = debitSigns();
  const scanner: OfxScanner = new OfxScanner({
    lined: LINED,
    unnested: UNNESTED,
    codeOf,
    wants: wantOf,
    leaf: (parent, code, value) => fieldsOf(parent)!.put(parent, code, undefined, value),
    opened(node, parent, aggregate) {
      // transactions are read when they close, not kept in the tree: their fields are taken as they open (a STMTTRN
      // is one wherever it is: in a BANKTRANLIST, or written outside one)
      const trn = node.code === Code.STMTTRN;
      if (!parent.light && !trn) parent.children.push(node);
      if (aggregate) {
        node.light = trn || (parent.light && !isStatement(node));
        if (!node.light) node.children = [];
      }
      node.trn = trn ? (aggregate ? new TrnFields(node) : undefined) : fieldsOf(parent);
      if (!trn) fieldsOf(parent)?.take(parent, node.code, node, node.value);
      if (!isStatement(node)) return;
      const open: Open = { node, statement: emptyStatement(), named: new Set(), finished: false };
      opens.push(open);
      byNode.set(node, open);
      if (!aggregate) finish(open);
    },
    closed(node, depth, stack, text, end, own) {
      const fields = fieldsOf(node);
      if (fields?.node === node) {
        const owner = ownerOf(stack, depth);
        if (!owner) {
          if (!inOtherStatement(stack, depth))
            stray ??= new StatementParseError(
              'corrupt',
              'a transaction (STMTTRN) outside any bank or card statement (STMTRS, CCSTMTRS): the file is damaged',
              { line: scanner.lineAt(node.offset), element: 'STMTTRN' },
            );
          return;
        }
        const start = scanner.relative(node.offset);
        const raw = own ? text.slice(start, end) : text.slice(start, Math.min(end, start + 2000)).trimEnd();
        const currency = fields.currencyNamed();
        owner.named.add(currency);
        try {
          const entry = transaction(fields, index++, currency, raw);
          owner.statement.entries.push(entry);
          signs.saw(entry, fields, () => scanner.lineAt(node.offset));
        } catch (e) {
          owner.error ??= placed(e, node, () => scanner.lineAt(node.offset));
        }
      } else if (isStatement(node)) {
        const open = byNode.get(node);
        if (open) finish(open);
      }
    },
  });
  const ownerOf = (stack: readonly ONode[], depth: number): Open | undefined => {
    for (let k = depth - 1; k > 0; k--) if (isStatement(stack[k])) return byNode.get(stack[k]);
    return undefined;
  };
  const inOtherStatement = (stack: readonly ONode[], depth: number): boolean => {
    for (let k = depth - 1; k > 0; k--) if (OTHER_STATEMENT.test(stack[k].name)) return true;
    return false;
  };
  /** The open STMTTRN's text is kept (for its `raw` and the line of an error). */
  const trnStart = (): number => {
    const stack = scanner.stack;
    for (let k = 1; k < stack.length; k++) if (fieldsOf(stack[k])?.node === stack[k]) return stack[k].offset;
    return Number.POSITIVE_INFINITY;
  };
  scanner.keepFrom = trnStart;
  const finish = (open: Open) => {
    open.finished = true;
    byNode.delete(open.node);
    try {
      completeStatement(open);
    } catch (e) {
      open.error ??= e;
    }
    while (done.length < opens.length && opens[done.length].finished) done.push(opens[done.length].statement);
  };
  return {
    write: (chunk) => scanner.write(chunk),
    live: () => ({ done, open: opens[done.length]?.statement }),
    end() {
      scanner.end();
      if (!scanner.sawOfx) throw new StatementParseError('corrupt', 'no <OFX> element in the OFX file');
      scanner.closeAll();
      if (opens.length === 0) {
        if (!scanner.closed)
          throw new StatementParseError('truncated', 'the OFX file ends before any statement', {
            line: scanner.lastLine(),
          });
        if (stray) throw stray;
        throw new StatementParseError('empty', 'no bank statement (STMTRS) in the OFX file');
      }
      if (!scanner.closed)
        throw new StatementParseError('truncated', 'the OFX file ends before </OFX>', { line: scanner.lastLine() });
      for (const open of opens) if (open.error) throw open.error;
      if (stray) throw stray;
      signs.apply(done);
      return done;
    },
  };
}

/**
 * The sign of a DEBIT. OFX signs TRNAMT (negative: money out), but some banks write every amount unsigned, the
 * direction only in TRNTYPE. So, over the whole file:
 * - no TRNAMT is negative and some DEBIT is positive: the file writes absolute values, and every DEBIT is negated.
 *   Only DEBIT: it is the one type that says money out without doubt (a POS, FEE, CHECK or PAYMENT keeps the sign
 *   written);
 * - some TRNAMT is negative and a DEBIT is positive: the file contradicts itself, and it is refused (`corrupt`),
 *   naming that transaction (its FITID), rather than read with money in the wrong direction.
 */
function debitSigns() {
  let negative = false;
  let positiveDebit: { fitId: string | undefined; amount: string | undefined; line: number } | undefined;
  return {
    saw(e: StatementEntry, f: TrnFields, line: () => number): void {
      if (e.amountCents < 0) negative = true;
      else if (positiveDebit === undefined && e.amountCents > 0 && e.bankCodes[0] === 'DEBIT')
        positiveDebit = { fitId: f.fitId || undefined, amount: f.trnAmt, line: line() };
    },
    /** The file's statements, whole: their DEBITs negated, or the error of a contradiction. */
    apply(statements: readonly Statement[]): void {
      if (!positiveDebit) return;
      if (negative) {
        const which = positiveDebit.fitId ? `FITID ${positiveDebit.fitId.slice(0, 40)}` : 'without FITID';
        throw new StatementParseError(
          'corrupt',
          `the DEBIT transaction ${which} has a positive amount (TRNAMT ${positiveDebit.amount}) while the file ` +
            'writes other amounts negative: which way its money went cannot be told',
          { line: positiveDebit.line, element: 'STMTTRN/TRNAMT' },
        );
      }
      for (const st of statements)
        for (const e of st.entries) if (e.amountCents > 0 && e.bankCodes[0] === 'DEBIT') e.amountCents = -e.amountCents;
    },
  };
}

function emptyStatement(): Statement {
  return {
    format: 'ofx',
    account: {},
    currency: '',
    entries: [],
    balanceCheck: { status: 'not-applicable', reason: 'OFX carries no opening balance' },
  };
}

/** A statement that has closed: its account, currency, period and closing balance; its entries' currency. */
function completeStatement(open: Open): void {
  const stmt = open.node;
  const st = open.statement;
  // some banks put each transaction in its own BANKTRANLIST: read them all
  const lists = findAll(stmt, TRANLIST, [], STATEMENTS);
  const currency = currencyOf(open);
  if (open.error) throw open.error;
  for (const e of st.entries) if (e.currency === STATEMENT_CURRENCY) e.currency = currency;
  const ledger = find(stmt, 'LEDGERBAL');
  const balance = val(ledger, 'BALAMT');
  let closing: number | undefined;
  try {
    closing = ledger && balance ? ofxAmount(balance, 'LEDGERBAL', 'BALAMT') : undefined;
  } catch (e) {
    throw placed(e, ledger!, () => ledger!.line!);
  }
  const period = (name: string) =>
    lists
      .map((l) => {
        try {
          return ofxDate(val(l, name), l.name);
        } catch (e) {
          throw placed(e, l, () => l.line!);
        }
      })
      .filter((d): d is string => !!d)
      .sort();
  const starts = period('DTSTART');
  const ends = period('DTEND');
  // a new object (the same entries) with its properties in the order they always had
  open.statement = {
    format: 'ofx',
    account: accountOf(find(stmt, 'BANKACCTFROM') ?? find(stmt, 'CCACCTFROM')),
    currency,
    periodStart: starts[0],
    periodEnd: ends.at(-1),
    closingBalanceCents: closing,
    entries: st.entries,
    balanceCheck: st.balanceCheck,
  };
}

/** CURDEF, else (some exports leave it empty) the currency every transaction names in CURRENCY/CURSYM. */
function currencyOf(open: Open): string {
  const declared = (val(open.node, 'CURDEF') ?? '').toUpperCase();
  if (/^[A-Z]{3}$/.test(declared)) return declared;
  const [only] = open.named;
  if (open.named.size === 1 && only && /^[A-Z]{3}$/.test(only)) return only;
  throw new StatementParseError('missing_field', 'statement without a currency (CURDEF)', {
    line: open.node.line,
    element: open.node.name,
  });
}
