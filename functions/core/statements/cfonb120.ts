import type { Statement, StatementEntry } from '../model/statement';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { checkBalances } from './balance';
import { StatementParseError } from './errors';
import { boundedOrThrow, century, collapse, dateOrThrow } from './text';

const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/** Qualifiers of 05 complements read as remittance text. */
const TEXT_QUALIFIERS = new Set(['LIB', 'LCC', 'LC2', 'LCS', 'LCZ', 'MMO']);

interface Rec {
  text: string;
  line: number;
}

/**
 * Fixed 120-character records: one per line (CRLF, LF or CR, short lines padded), or back to back with no line breaks.
 */
export function cfonbRecords(text: string): Rec[] {
  // trailing blanks and the DOS end-of-file mark; not /[\s\u001a]+$/, which retries from every blank of the file
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x1a || text[end - 1].trim() === '')) end--;
  const body = text.slice(0, end);
  if (body.length === 0) throw new StatementParseError('empty', 'empty CFONB file');
  if (!/[\r\n]/.test(body)) {
    const out: Rec[] = [];
    for (let i = 0; i < body.length; i += 120) out.push({ text: body.slice(i, i + 120), line: i / 120 + 1 });
    const last = out[out.length - 1];
    if (last.text.length < 120) {
      // trailing blanks of the last record may have been trimmed away; a record cut before its amount is truncated
      if (last.text.length < 104 || !/^0[1457]/.test(last.text)) {
        throw new StatementParseError(
          'truncated',
          `the file ends with a partial record of ${last.text.length} characters`,
          { line: last.line },
        );
      }
      last.text = last.text.padEnd(120, ' ');
    }
    return out;
  }
  const out: Rec[] = [];
  body.split(/\r\n|\n|\r/).forEach((raw, i) => {
    if (raw.length === 120) {
      // the common case: a full record, kept as a slice of the file text (no copy)
      out.push({ text: raw, line: i + 1 });
      return;
    }
    if (raw.trim().length === 0) return;
    const t = raw.trimEnd();
    if (t.length > 120)
      throw new StatementParseError('corrupt', `a CFONB record is ${t.length} characters long (120 expected)`, {
        line: i + 1,
      });
    out.push({ text: t.padEnd(120, ' '), line: i + 1 });
  });
  return out;
}

/** "0000010173118I" with 2 decimals -> 101731189 cents. The last character carries the sign and the last digit. */
export function cfonbAmount(field: string, decimals: string, line: number): number {
  const digits = field.slice(0, 13);
  const last = field[13] ?? '';
  let d = POSITIVE.indexOf(last);
  let sign = 1;
  if (d < 0) {
    d = NEGATIVE.indexOf(last);
    sign = -1;
  }
  if (d < 0 || !/^\d{13}$/.test(digits)) {
    throw new StatementParseError('invalid_amount', `not a CFONB amount: "${field}"`, { line });
  }
  const dec = Number(decimals);
  if (!/^[0-3]$/.test(decimals))
    throw new StatementParseError('invalid_amount', `number of decimals "${decimals}" is not 0 to 3`, { line });
  let value = Number(digits + String(d));
  if (dec < 2) value *= 10 ** (2 - dec);
  if (dec === 3) {
    if (value % 10 !== 0)
      throw new StatementParseError('invalid_amount', `amount "${field}" has a third decimal`, { line });
    value /= 10;
  }
  return value === 0 ? 0 : boundedOrThrow(sign * value, { line });
}

function cfonbDate(s: string, line: number): string | undefined {
  if (s.trim() === '' || /^0+$/.test(s)) return undefined;
  if (!/^\d{6}$/.test(s)) throw new StatementParseError('invalid_date', `not a date DDMMYY: "${s}"`, { line });
  return dateOrThrow(`${century(s.slice(4, 6))}-${s.slice(2, 4)}-${s.slice(0, 2)}`, s, { line });
}

interface Open {
  statement: Statement;
  startLine: number;
}

/**
 * CFONB 120 "relevé de compte": 01 (previous balance) starts a statement, 04 is an entry, 05 a complement of the entry
 * before it (whatever its internal code), 07 (new balance) ends the statement. Several accounts and statements per
 * file.
 */
export function parseCfonb120(text: string, firstIndex = 0): Statement[] {
  const statements: Statement[] = [];
  let open: Open | undefined;
  let current: StatementEntry | undefined;
  let index = firstIndex;
  const continuation = { previousFull: false };

  for (const rec of cfonbRecords(text)) {
    const r = rec.text;
    const code = r.slice(0, 2);
    const line = rec.line;
    const account = {
      bankCode: r.slice(2, 7).trim(),
      branchCode: r.slice(11, 16).trim(),
      accountNumber: r.slice(21, 32).trim(),
    };
    const currency = r.slice(16, 19);
    const decimals = r.slice(19, 20);
    switch (code) {
      case '01': {
        if (open)
          throw new StatementParseError('corrupt', 'a new statement (01) starts before the previous one ended (07)', {
            line,
          });
        if (!/^[A-Z]{3}$/.test(currency))
          throw new StatementParseError('corrupt', `not a currency code: "${currency}"`, { line });
        const periodStart = cfonbDate(r.slice(34, 40), line);
        open = {
          startLine: line,
          statement: {
            format: 'cfonb120',
            account: completeAccount(account),
            currency,
            periodStart,
            openingBalanceCents: cfonbAmount(r.slice(90, 104), decimals, line),
            entries: [],
            balanceCheck: { status: 'ok' },
          },
        };
        current = undefined;
        break;
      }
      case '04': {
        if (!open)
          throw new StatementParseError('corrupt', 'an entry (04) outside a statement (no 01 before it)', { line });
        const bookingDate = cfonbDate(r.slice(34, 40), line);
        if (!bookingDate) throw new StatementParseError('invalid_date', 'entry without a booking date', { line });
        const interbank = r.slice(32, 34).trim();
        const rejection = r.slice(40, 42).trim();
        const reference = r.slice(104, 120).trim();
        current = {
          index: index++,
          bookingDate,
          valueDate: cfonbDate(r.slice(42, 48), line),
          amountCents: cfonbAmount(r.slice(90, 104), decimals, line),
          currency: /^[A-Z]{3}$/.test(currency) ? currency : open.statement.currency,
          bankCodes: interbank ? [interbank] : [],
          bankReference: reference || undefined,
          label: collapse(r.slice(48, 79)),
          remittance: { unstructured: [], structured: [] },
          reversal: rejection !== '' && rejection !== '00',
          raw: [r],
        };
        open.statement.entries.push(current);
        break;
      }
      case '05': {
        if (!open || !current)
          throw new StatementParseError('corrupt', 'a complement (05) with no entry (04) before it', { line });
        current.raw.push(r);
        applyComplement(current, r.slice(45, 48), r.slice(48, 118), continuation);
        continuation.previousFull = r.slice(48, 118).trimEnd().length === 70;
        break;
      }
      case '07': {
        if (!open)
          throw new StatementParseError('corrupt', 'a closing balance (07) with no statement open (01)', { line });
        const st = open.statement;
        st.periodEnd = cfonbDate(r.slice(34, 40), line);
        st.closingBalanceCents = cfonbAmount(r.slice(90, 104), decimals, line);
        st.balanceCheck = checkBalances(st.openingBalanceCents, st.closingBalanceCents, st.entries);
        statements.push(st);
        open = undefined;
        current = undefined;
        break;
      }
      default:
        throw new StatementParseError('corrupt', `unknown CFONB record code "${code}"`, { line });
    }
  }
  if (open) {
    throw new StatementParseError('truncated', 'the file ends before the closing balance (07) of the statement', {
      line: open.startLine,
    });
  }
  if (statements.length === 0) throw new StatementParseError('empty', 'no statement in the CFONB file');
  return statements;
}

function applyComplement(
  e: StatementEntry,
  qualifierRaw: string,
  valueRaw: string,
  state: { previousFull: boolean },
): void {
  const qualifier = qualifierRaw.toUpperCase();
  const value = collapse(valueRaw);
  if (!value) return;
  const credit = e.amountCents >= 0;
  const lines = e.remittance.unstructured;
  if (qualifier === 'LC2' && lines.length > 0) {
    // continuation of the previous text line: glued when that line filled its 70 characters (a word cut in two)
    lines[lines.length - 1] += (state.previousFull && !/^\s/.test(valueRaw) ? '' : ' ') + value;
  } else if (TEXT_QUALIFIERS.has(qualifier)) {
    if (!e.remittance.unstructured.includes(value)) e.remittance.unstructured.push(value);
  } else if (qualifier === 'RCN') {
    if (!e.remittance.structured.includes(value)) e.remittance.structured.push(value);
  } else if (qualifier === 'REF') {
    e.endToEndId ??= value;
  } else if ((qualifier === 'NPY' && credit) || (qualifier === 'NBE' && !credit)) {
    e.counterpartyName ??= value;
  } else if ((qualifier === 'IPY' && credit) || (qualifier === 'IBE' && !credit)) {
    const token = value.split(' ')[0];
    if (isValidIban(token)) e.counterpartyIban ??= normalizeIban(token);
  }
}
