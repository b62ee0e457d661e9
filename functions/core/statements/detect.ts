import type { StatementFormat } from '../model/statement';
import { findCsvHeader } from './csv';

/**
 * The format of a statement file from its content (never its name): XML root/namespace for camt.053/054 and OFX 2,
 * the OFXHEADER for OFX 1, :20:/:25:/:60F: tags for MT940, 120-character records starting 01 for CFONB, a header line
 * with a date and an amount column for CSV. Undefined when nothing fits.
 */
export function detectFormat(text: string): StatementFormat | undefined {
  const head = text.slice(0, 16 * 1024).replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  if (/^OFXHEADER\s*:/i.test(trimmed) || /<\?OFX\s/i.test(head) || /^<OFX>/i.test(trimmed)) return 'ofx';
  if (trimmed.startsWith('<')) {
    if (/<OFX>/i.test(head)) return 'ofx';
    if (/camt\.054\.|<([A-Za-z0-9]+:)?BkToCstmrDbtCdtNtfctn[\s>]/.test(head)) return 'camt054';
    if (/camt\.053\.|<([A-Za-z0-9]+:)?BkToCstmrStmt[\s>]/.test(head)) return 'camt053';
    // a camt.052 account report has a statement's structure
    if (/camt\.052\.|<([A-Za-z0-9]+:)?BkToCstmrAcctRpt[\s>]/.test(head)) return 'camt053';
    return undefined;
  }
  if (
    /(^|[\r\n]|\{4:)\s*:20:/.test(head) &&
    /(^|[\r\n]):25P?:/.test(head) &&
    /(^|[\r\n]):(60[FM]|61|28C?):/.test(head)
  ) {
    return 'mt940';
  }
  if (isCfonb(trimmed)) return 'cfonb120';
  if (findCsvHeader(head)) return 'csv';
  return undefined;
}

function isCfonb(text: string): boolean {
  if (!/^01\d{5}/.test(text)) return false;
  const firstBreak = text.search(/[\r\n]/);
  if (firstBreak < 0) {
    // no line breaks: fixed 120-character blocks, the next one is a 04, 05 or 07 record
    return text.length >= 120 && (text.length < 240 || /^0[1457]/.test(text.slice(120, 122)));
  }
  const first = text.slice(0, firstBreak).trimEnd();
  if (first.length > 120) return false;
  const second = text.slice(firstBreak).replace(/^[\r\n]+/, '');
  return second.length === 0 || /^0[1457]\d{5}/.test(second);
}
