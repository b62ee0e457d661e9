import type { BankAccount, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { StatementParseError } from './errors';
import { amountOrThrow, collapse, dateOrThrow, lineOf } from './text';

interface ONode {
  name: string;
  value?: string;
  children: ONode[];
  offset: number;
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k === 'nbsp') return ' ';
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  });
}

/**
 * `<NAME>`, `</NAME>` or `<NAME/>` between `from` and `to` (the text inside the brackets), read by character codes:
 * the same as /^(\/?)([A-Za-z0-9_.]+)\s*(\/?)$/ without a slice and a match array per tag (the OFX profile's top item).
 */
function tagOf(
  text: string,
  from: number,
  to: number,
): { slash: boolean; name: string; selfClose: boolean } | undefined {
  let i = from;
  const slash = text.charCodeAt(i) === 47;
  if (slash) i++;
  const start = i;
  let upper = true;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) upper = false;
    else if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46)) break;
  }
  if (i === start) return undefined;
  const raw = text.slice(start, i);
  let end = to;
  let selfClose = false;
  if (end > i && text.charCodeAt(end - 1) === 47) {
    selfClose = true;
    end--;
  }
  for (; i < end; i++) if (text[i].trim() !== '') return undefined;
  return { slash, name: upper ? raw : raw.toUpperCase(), selfClose };
}

/**
 * Reads OFX 1.x SGML (leaf elements without closing tags) and OFX 2.x XML with one tolerant tokenizer: an element
 * followed by text is a leaf (its closing tag, if any, is consumed); an element followed by another tag is an
 * aggregate.
 */
function tree(text: string): { root: ONode; closed: boolean } {
  const root: ONode = { name: '#root', children: [], offset: 0 };
  const stack: ONode[] = [root];
  const start = text.search(/<OFX>/i);
  if (start < 0) throw new StatementParseError('corrupt', 'no <OFX> element in the OFX file');
  // a hand-made scanner (indexOf only): no regular expression can backtrack over a hostile file
  let expectClose: string | undefined;
  let closed = false;
  let i = start;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      const end = text.indexOf('>', lt + 2);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) break;
    const tag = tagOf(text, lt + 1, gt);
    const nextLt = text.indexOf('<', gt + 1);
    const afterEnd = nextLt < 0 ? n : nextLt;
    i = afterEnd;
    if (!tag) continue;
    const { slash, name, selfClose } = tag;
    if (slash) {
      if (expectClose === name) {
        expectClose = undefined;
        continue;
      }
      expectClose = undefined;
      // close the nearest open aggregate of that name (OFX nests a few levels; looking further could only cost time)
      for (let j = stack.length - 1; j > 0 && j >= stack.length - 32; j--) {
        if (stack[j].name === name) {
          stack.length = j;
          break;
        }
      }
      if (name === 'OFX') closed = true;
      continue;
    }
    expectClose = undefined;
    const node: ONode = { name, children: [], offset: lt };
    stack[stack.length - 1].children.push(node);
    if (selfClose) continue;
    let value = text.slice(gt + 1, afterEnd).trim();
    if (value === '' && text.startsWith('<![CDATA[', afterEnd)) {
      const end = text.indexOf(']]>', afterEnd + 9);
      if (end >= 0) {
        value = text.slice(afterEnd + 9, end).trim();
        i = end + 3;
        node.value = value;
        expectClose = name;
        continue;
      }
    }
    if (value !== '') {
      node.value = decodeEntities(value);
      expectClose = name;
    } else {
      if (stack.length > 64) {
        throw new StatementParseError('corrupt', 'OFX aggregates nested more than 64 deep', {
          line: lineOf(text, lt),
          element: name,
        });
      }
      stack.push(node);
    }
  }
  return { root, closed };
}

function find(node: ONode | undefined, name: string): ONode | undefined {
  if (!node) return undefined;
  for (const c of node.children) {
    if (c.name === name) return c;
    const deep = find(c, name);
    if (deep) return deep;
  }
  return undefined;
}

const STATEMENTS = new Set(['STMTRS', 'CCSTMTRS']);
const TRANLIST = new Set(['BANKTRANLIST']);

/**
 * The nodes named `names` under `node`, in file order, looking inside the ones found too (a statement left unclosed
 * holds the next one), but not inside the `stop` ones (the transactions of a nested statement are its own).
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
  const v = c?.value?.trim();
  return v ? v : undefined;
}

/** Runs fn and gives a parse error thrown without a position the line of the node (computed only on failure). */
function at<T>(text: string, node: ONode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StatementParseError && e.line === undefined) {
      throw new StatementParseError(e.code, e.message, {
        line: lineOf(text, node.offset),
        element: e.element ?? node.name,
      });
    }
    throw e;
  }
}

function ofxDate(raw: string | undefined, text: string, node: ONode): string | undefined {
  if (!raw) return undefined;
  return at(text, node, () => {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(raw);
    if (!m) throw new StatementParseError('invalid_date', `not an OFX date: "${raw.slice(0, 30)}"`);
    return dateOrThrow(`${m[1]}-${m[2]}-${m[3]}`, raw, { element: node.name });
  });
}

function ofxAmount(raw: string | undefined, text: string, node: ONode, field: string): number {
  return at(text, node, () => {
    if (!raw)
      throw new StatementParseError('missing_field', `${node.name} without ${field}`, {
        element: `${node.name}/${field}`,
      });
    return amountOrThrow(raw, { element: `${node.name}/${field}` }, { grouping: false });
  });
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

/**
 * OFX bank (STMTRS) and credit card (CCSTMTRS) statements. OFX carries the closing balance (LEDGERBAL) but no opening
 * balance, so the balance check is "not-applicable".
 */
export function parseOfx(text: string, firstIndex = 0): Statement[] {
  const { root, closed } = tree(text);
  const rs = findAll(root, STATEMENTS);
  if (rs.length === 0) {
    if (!closed)
      throw new StatementParseError('truncated', 'the OFX file ends before any statement', {
        line: lineOf(text, text.length),
      });
    throw new StatementParseError('empty', 'no bank statement (STMTRS) in the OFX file');
  }
  if (!closed)
    throw new StatementParseError('truncated', 'the OFX file ends before </OFX>', { line: lineOf(text, text.length) });
  let index = firstIndex;
  return rs.map((stmt) => {
    // some banks put each transaction in its own BANKTRANLIST: read them all
    const lists = findAll(stmt, TRANLIST, [], STATEMENTS);
    const entries: StatementEntry[] = [];
    const currency = currencyOf(stmt, lists, text);
    for (const list of lists) {
      for (const t of list.children) if (t.name === 'STMTTRN') entries.push(transaction(t, index++, currency, text));
    }
    const ledger = find(stmt, 'LEDGERBAL');
    const balance = val(ledger, 'BALAMT');
    const closing = ledger && balance ? ofxAmount(balance, text, ledger, 'BALAMT') : undefined;
    const starts = lists
      .map((l) => ofxDate(val(l, 'DTSTART'), text, l))
      .filter((d): d is string => !!d)
      .sort();
    const ends = lists
      .map((l) => ofxDate(val(l, 'DTEND'), text, l))
      .filter((d): d is string => !!d)
      .sort();
    return {
      format: 'ofx',
      account: accountOf(find(stmt, 'BANKACCTFROM') ?? find(stmt, 'CCACCTFROM')),
      currency,
      periodStart: starts[0],
      periodEnd: ends.at(-1),
      closingBalanceCents: closing,
      entries,
      balanceCheck: { status: 'not-applicable', reason: 'OFX carries no opening balance' },
    } satisfies Statement;
  });
}

/** CURDEF, else (some exports leave it empty) the currency every transaction names in CURRENCY/CURSYM. */
function currencyOf(stmt: ONode, lists: ONode[], text: string): string {
  const declared = (val(stmt, 'CURDEF') ?? '').toUpperCase();
  if (/^[A-Z]{3}$/.test(declared)) return declared;
  const named = new Set(
    lists
      .flatMap((l) => l.children.filter((c) => c.name === 'STMTTRN'))
      .map((t) => val(find(t, 'ORIGCURRENCY') ?? find(t, 'CURRENCY'), 'CURSYM')?.toUpperCase()),
  );
  const [only] = named;
  if (named.size === 1 && only && /^[A-Z]{3}$/.test(only)) return only;
  throw new StatementParseError('missing_field', 'statement without a currency (CURDEF)', {
    line: lineOf(text, stmt.offset),
    element: stmt.name,
  });
}

/** The source of one STMTTRN, as a slice of the file text (up to its closing tag, or the next transaction in SGML). */
function rawOf(text: string, offset: number): string {
  const close = text.indexOf('</STMTTRN>', offset);
  const next = text.indexOf('<STMTTRN>', offset + 9);
  if (close >= 0 && (next < 0 || close < next)) return text.slice(offset, close + 10);
  return text.slice(offset, next >= 0 ? next : Math.min(text.length, offset + 2000)).trimEnd();
}

function transaction(t: ONode, index: number, currency: string, text: string): StatementEntry {
  const bookingDate = ofxDate(val(t, 'DTPOSTED'), text, t);
  if (!bookingDate)
    throw new StatementParseError('missing_field', 'transaction without DTPOSTED', {
      line: lineOf(text, t.offset),
      element: 'STMTTRN',
    });
  const amount = ofxAmount(val(t, 'TRNAMT'), text, t, 'TRNAMT');
  const payee = t.children.find((c) => c.name === 'PAYEE');
  const name = val(t, 'NAME') ?? val(payee, 'NAME');
  const memo = val(t, 'MEMO');
  const counterpartyAccount = val(find(t, 'BANKACCTTO') ?? find(t, 'CCACCTTO'), 'ACCTID');
  const refnum = val(t, 'REFNUM');
  const type = val(t, 'TRNTYPE');
  const orig = find(t, 'ORIGCURRENCY') ?? find(t, 'CURRENCY');
  return {
    index,
    bookingDate,
    valueDate: ofxDate(val(t, 'DTAVAIL'), text, t),
    amountCents: amount,
    currency: val(orig, 'CURSYM')?.toUpperCase() ?? currency,
    bankCodes: type ? [type.toUpperCase()] : [],
    bankReference: val(t, 'FITID'),
    label: collapse(name ?? memo ?? ''),
    counterpartyName: val(t, 'EXTDNAME') ?? (payee ? val(payee, 'NAME') : undefined),
    counterpartyIban:
      counterpartyAccount && isValidIban(counterpartyAccount) ? normalizeIban(counterpartyAccount) : undefined,
    remittance: {
      unstructured: memo ? [collapse(memo)] : [],
      structured: refnum ? refnum.split(/\s+/).filter(Boolean) : [],
    },
    reversal: false,
    raw: [rawOf(text, t.offset)],
  };
}
