import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { amountOrThrow, collapse, dateOrThrow } from './text';

/** A small element tree, built for one child of Stmt/Ntfctn at a time (an Ntry, a Bal, the Acct...). */
interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
  /** Offsets of the element in the source text (set for the captured roots). */
  start?: number;
}

export type CamtKind = 'camt053' | 'camt054';
export const CAMT_VERSIONS = { min: 2, max: 13 } as const;

/** camt.052 account reports (Rpt) have the statement's structure and are read as camt.053. */
const ROOTS: Record<string, CamtKind> = {
  BkToCstmrStmt: 'camt053',
  BkToCstmrAcctRpt: 'camt053',
  BkToCstmrDbtCdtNtfctn: 'camt054',
};
const CONTAINERS = new Set(['Stmt', 'Rpt', 'Ntfctn']);

function child(node: XNode | undefined, ...path: string[]): XNode | undefined {
  let n = node;
  for (const name of path) {
    n = n?.children.find((c) => c.name === name);
    if (!n) return undefined;
  }
  return n;
}

function children(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

function text(node: XNode | undefined, ...path: string[]): string | undefined {
  const n = child(node, ...path);
  if (!n) return undefined;
  const t = collapse(n.text);
  return t === '' ? undefined : t;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;

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
  for (let i = 0; i < text.length; i += CHUNK) reader.write(text.slice(i, i + CHUNK));
  return reader.end();
}

export interface CamtResult {
  kind: CamtKind;
  version: string;
  statements: Statement[];
}

/**
 * parseCamt one chunk of text at a time. The text is kept from the start of the captured element while one is open
 * (its source is the entry's raw text), else from the last '<' on (the tag being read): never the whole document.
 */
export function camtReader(firstIndex = 0): { write(text: string): void; end(): CamtResult; live(): LiveStatements } {
  // Namespaces are resolved by hand (the root's default or prefixed xmlns): saxes' own resolution costs a fifth of the
  // time.
  const parser = new SaxesParser({ xmlns: false, position: true });
  const path: string[] = [];
  const statements: Statement[] = [];
  let kind: CamtKind | undefined;
  let version = '';
  let capture: XNode[] = [];
  let current: StatementBuilder | undefined;
  let index = firstIndex;
  let pending: StatementParseError | undefined;
  // the text of the document from offset `windowStart` on
  let window = '';
  let windowStart = 0;

  const where = () => ({ line: parser.line, element: path.join('/') || undefined });
  const fail = (e: StatementParseError): never => {
    pending = e;
    throw e;
  };

  parser.on('error', (err) => {
    if (pending) throw pending;
    const msg = err.message.replace(/^[^:]*:\d+:\d+: /, '');
    const code = /unclosed|unexpected end|document must contain/i.test(msg) ? 'truncated' : 'corrupt';
    fail(new StatementParseError(code, `XML: ${msg}`, where()));
  });

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (path.length === 0) {
      const colon = tag.name.indexOf(':');
      const ns = (colon < 0 ? tag.attributes.xmlns : tag.attributes[`xmlns:${tag.name.slice(0, colon)}`]) ?? '';
      const m = /camt\.(05[234])\.001\.(\d{2})/.exec(ns);
      if (m) {
        version = `camt.${m[1]}.001.${m[2]}`;
        const v = Number(m[2]);
        if (v < CAMT_VERSIONS.min || v > CAMT_VERSIONS.max) {
          fail(
            new StatementParseError('unsupported_version', `${version} is not a supported version (001.02 to 001.13)`, {
              line: parser.line,
              element: name,
            }),
          );
        }
      } else if (ns && /camt\.\d{3}/.test(ns)) {
        fail(
          new StatementParseError('unknown_format', `${ns} is not a camt.052, camt.053 or camt.054 statement`, {
            line: parser.line,
            element: name,
          }),
        );
      }
      if (ROOTS[name]) kind = ROOTS[name];
      else if (name !== 'Document')
        fail(
          new StatementParseError('unknown_format', `<${name}> is not an ISO 20022 statement`, {
            line: parser.line,
            element: name,
          }),
        );
    } else if (path.length === 1 && !kind) {
      kind = ROOTS[name];
      if (!kind)
        fail(
          new StatementParseError(
            'unknown_format',
            `<${name}> is not a camt.052, camt.053 or camt.054 message`,
            where(),
          ),
        );
    }
    const parent = path[path.length - 1];
    path.push(name);
    if (capture.length > 0) {
      const node: XNode = { name, attrs: attrsOf(tag), children: [], text: '' };
      capture[capture.length - 1].children.push(node);
      capture.push(node);
    } else if (current && parent && CONTAINERS.has(parent)) {
      const at = window.lastIndexOf('<', parser.position - 1 - windowStart);
      const start = at < 0 ? -1 : at + windowStart;
      capture = [{ name, attrs: attrsOf(tag), children: [], text: '', start }];
    } else if (CONTAINERS.has(name) && kind && path.length <= 4) {
      current = {
        statement: { format: kind, account: {}, currency: 'XXX', entries: [], balanceCheck: { status: 'ok' } },
        balances: new Map(),
      };
    }
  });

  const onText = (t: string) => {
    if (capture.length > 0) capture[capture.length - 1].text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (capture.length > 0) {
      const node = capture.pop()!;
      if (capture.length === 0 && current) {
        const raw =
          name === 'Ntry' && node.start !== undefined && node.start >= 0
            ? window.slice(node.start - windowStart, parser.position - windowStart)
            : '';
        const added = handleChild(current, node, index, where(), raw);
        index += added;
      }
    } else if (CONTAINERS.has(name) && current) {
      statements.push(finish(current, where()));
      current = undefined;
    }
    path.pop();
  });

  return {
    live: () => ({ done: statements, open: current?.statement }),
    write(chunk: string) {
      // only the text of the element being captured (an entry's raw text), or else of the tag being read, is kept
      const lt = window.lastIndexOf('<');
      const from =
        capture.length > 0 ? (capture[0].start ?? -1) : lt < 0 ? windowStart + window.length : lt + windowStart;
      const keep = from < windowStart ? 0 : from - windowStart;
      window = window.slice(keep);
      windowStart += keep;
      window += chunk;
      parser.write(chunk);
    },
    end() {
      parser.close();
      window = '';
      return result(kind, version, statements);
    },
  };
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

function attrsOf(tag: SaxesTagPlain): Record<string, string> {
  for (const _ in tag.attributes) return tag.attributes as Record<string, string>;
  return NO_ATTRS;
}

function camtDate(node: XNode | undefined, where: { line?: number; element?: string }): string | undefined {
  const raw = text(node, 'Dt') ?? text(node, 'DtTm');
  if (!raw) return undefined;
  return dateOrThrow(raw.slice(0, 10), raw, where);
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

function bankCodesOf(node: XNode | undefined): string[] {
  const btc = child(node, 'BkTxCd');
  if (!btc) return [];
  const out: string[] = [];
  const domain = text(btc, 'Domn', 'Cd');
  const family = text(btc, 'Domn', 'Fmly', 'Cd');
  const sub = text(btc, 'Domn', 'Fmly', 'SubFmlyCd');
  if (domain) out.push([domain, family, sub].filter(Boolean).join('/'));
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
    currency: amount.currency && /^[A-Z]{3}$/.test(amount.currency) ? amount.currency : 'XXX',
    bankCodes: d.bankCodes.length ? d.bankCodes : ntryCodes,
    bankReference: d.bankReference ?? ntryRef,
    endToEndId: d.endToEndId,
    label: d.label ?? ntryLabel ?? d.counterpartyName ?? d.unstructured[0] ?? '',
    counterpartyName: d.counterpartyName,
    counterpartyIban: d.counterpartyIban,
    remittance: { unstructured: d.unstructured, structured: d.structured },
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
