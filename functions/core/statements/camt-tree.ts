/**
 * The element tree of one child of a camt Stmt/Rpt/Ntfctn, and its look-ups (the camt reader, camt.ts, builds it from
 * the scanner's events).
 */
import { collapse } from './text';

/** A small element tree, built for one child of Stmt/Ntfctn at a time (an Ntry, a Bal, the Acct...). */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/** The children of Stmt/Rpt/Ntfctn read (handleChild), and every name looked up below them: no other is built. */
export const READ_CHILDREN = new Set(['Id', 'Acct', 'FrToDt', 'Bal', 'Ntry']);
export const READ_NAMES = new Set([
  ...READ_CHILDREN,
  ...['IBAN', 'Othr', 'Ccy', 'Svcr', 'FinInstnId', 'BICFI', 'BIC', 'FrDtTm', 'ToDtTm', 'Tp', 'CdOrPrtry', 'Cd'],
  ...['Prtry', 'Amt', 'CdtDbtInd', 'Dt', 'DtTm', 'Sts', 'NtryDtls', 'TxDtls', 'AmtDtls', 'TxAmt', 'InstdAmt'],
  ...['BookgDt', 'ValDt', 'RvslInd', 'AcctSvcrRef', 'BkTxCd', 'Domn', 'Fmly', 'SubFmlyCd', 'AddtlNtryInf', 'Refs'],
  ...['EndToEndId', 'RltdPties', 'Dbtr', 'UltmtDbtr', 'DbtrAcct', 'Cdtr', 'UltmtCdtr', 'CdtrAcct', 'Nm', 'Pty'],
  ...['RmtInf', 'Ustrd', 'Strd', 'CdtrRefInf', 'Ref', 'RfrdDocInf', 'Nb', 'AddtlRmtInf', 'AddtlTxInf'],
]);

/** Shared by every element without children (most are leaves): no array for them. */
export const NO_CHILDREN: XNode[] = [];

function first(node: XNode | undefined, name: string): XNode | undefined {
  if (!node) return undefined;
  // indexed loops: a for-of is an iterator protocol until the code is optimized, and most of a parse runs before
  const kids = node.children;
  for (let i = 0; i < kids.length; i++) if (kids[i].name === name) return kids[i];
  return undefined;
}

/** The first descendant along a path of up to four names (no array made per look-up). */
export function child(node: XNode | undefined, a: string, b?: string, c?: string, d?: string): XNode | undefined {
  let n = first(node, a);
  if (b !== undefined) n = first(n, b);
  if (c !== undefined) n = first(n, c);
  if (d !== undefined) n = first(n, d);
  return n;
}

export function children(node: XNode | undefined, name: string): XNode[] {
  if (!node) return NO_CHILDREN;
  let out: XNode[] | undefined;
  const kids = node.children;
  for (let i = 0; i < kids.length; i++) if (kids[i].name === name) (out ??= []).push(kids[i]);
  return out ?? NO_CHILDREN;
}

export function text(node: XNode | undefined, a?: string, b?: string, c?: string, d?: string): string | undefined {
  const n = a === undefined ? node : child(node, a, b, c, d);
  if (!n) return undefined;
  const t = collapse(n.text);
  return t === '' ? undefined : t;
}

export const NO_ATTRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
