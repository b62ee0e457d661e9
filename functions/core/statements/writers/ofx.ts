import type { Statement, StatementEntry } from '../../model/statement';
import { balancesOf, decimal, oneLine, periodOf, ribOf, xmlEscape as x, yyyymmdd } from './common';

/** The OFX TRNTYPE values a bank code may already be. */
const OFX_TRNTYPE =
  /^(CREDIT|DEBIT|INT|DIV|FEE|SRVCHG|DEP|ATM|POS|XFER|CHECK|PAYMENT|CASH|DIRECTDEP|DIRECTDEBIT|REPEATPMT|OTHER)$/;

/**
 * Writes an OFX 2.2 (XML) bank statement response: one STMTTRNRS per statement with BANKACCTFROM (bank, branch,
 * account),
 * BANKTRANLIST and LEDGERBAL (the closing balance; OFX has no opening balance). Each STMTTRN: TRNTYPE, DTPOSTED,
 * DTAVAIL (value date), TRNAMT (signed, point), FITID (bank reference), REFNUM (structured references, space
 * separated),
 * NAME (label, 32 characters), EXTDNAME (counterparty), BANKACCTTO (counterparty IBAN), MEMO (remittance lines),
 * CURRENCY (an entry in another currency than its statement's).
 */
export function writeOfx(statements: readonly Statement[]): string {
  const end = statements.length ? periodOf(statements[statements.length - 1]).end : '2000-01-01';
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8" standalone="no"?>');
  out.push('<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>');
  out.push('<OFX>');
  out.push(
    `<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>` +
      `<DTSERVER>${yyyymmdd(end)}120000</DTSERVER><LANGUAGE>FRA</LANGUAGE></SONRS></SIGNONMSGSRSV1>`,
  );
  out.push('<BANKMSGSRSV1>');
  statements.forEach((st, n) => {
    const period = periodOf(st);
    const { closing } = balancesOf(st);
    const rib = ribOf(st.account);
    out.push(`<STMTTRNRS><TRNUID>${n + 1}</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>`);
    out.push(`<STMTRS><CURDEF>${x(st.currency)}</CURDEF>`);
    const acctId = st.account.iban ?? rib.account;
    out.push(
      `<BANKACCTFROM><BANKID>${x(rib.bank)}</BANKID><BRANCHID>${x(rib.branch)}</BRANCHID>` +
        `<ACCTID>${x(acctId)}</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>`,
    );
    out.push(`<BANKTRANLIST><DTSTART>${yyyymmdd(period.start)}</DTSTART><DTEND>${yyyymmdd(period.end)}</DTEND>`);
    for (const e of st.entries) out.push(transaction(e, st.currency));
    out.push('</BANKTRANLIST>');
    out.push(
      `<LEDGERBAL><BALAMT>${closing < 0 ? '-' : ''}${decimal(closing, '.')}</BALAMT>` +
        `<DTASOF>${yyyymmdd(period.end)}</DTASOF></LEDGERBAL>`,
    );
    out.push('</STMTRS></STMTTRNRS>');
  });
  out.push('</BANKMSGSRSV1>');
  out.push('</OFX>');
  return `${out.join('\n')}\n`;
}

function transaction(e: StatementEntry, currency: string): string {
  const type = e.bankCodes.find((c) => OFX_TRNTYPE.test(c)) ?? (e.amountCents < 0 ? 'DEBIT' : 'CREDIT');
  const parts = [
    `<TRNTYPE>${type}</TRNTYPE>`,
    `<DTPOSTED>${yyyymmdd(e.bookingDate)}</DTPOSTED>`,
    e.valueDate ? `<DTAVAIL>${yyyymmdd(e.valueDate)}</DTAVAIL>` : '',
    `<TRNAMT>${e.amountCents < 0 ? '-' : ''}${decimal(e.amountCents, '.')}</TRNAMT>`,
    `<FITID>${x(oneLine(e.bankReference) || `${e.bookingDate}-${e.index}`)}</FITID>`,
    e.remittance.structured.length ? `<REFNUM>${x(e.remittance.structured.map(oneLine).join(' '))}</REFNUM>` : '',
    `<NAME>${x(oneLine(e.label).slice(0, 32) || '-')}</NAME>`,
    e.counterpartyName ? `<EXTDNAME>${x(oneLine(e.counterpartyName))}</EXTDNAME>` : '',
    e.counterpartyIban
      ? `<BANKACCTTO><BANKID>${x(e.counterpartyIban.slice(4, 9))}</BANKID><ACCTID>${x(e.counterpartyIban)}</ACCTID>` +
        `<ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTTO>`
      : '',
    e.remittance.unstructured.length ? `<MEMO>${x(e.remittance.unstructured.map(oneLine).join(' '))}</MEMO>` : '',
    // CURRENCY: TRNAMT is in that currency (ORIGCURRENCY would say it is in CURDEF); the rate is not known here
    e.currency !== currency ? `<CURRENCY><CURRATE>1</CURRATE><CURSYM>${x(e.currency)}</CURSYM></CURRENCY>` : '',
  ];
  return `<STMTTRN>${parts.join('')}</STMTTRN>`;
}
