import type { Statement, StatementEntry } from '../../model/statement';
import { balancesOf, decimal, oneLine, periodOf, xmlEscape as x } from './common';

/**
 * Writes an ISO 20022 camt.053.001.08 "BkToCstmrStmt": one Stmt per statement with OPBD/CLBD balances, one Ntry per
 * entry
 * with a single TxDtls carrying the references (AcctSvcrRef, EndToEndId), the related party (Dbtr for a credit, Cdtr
 * for a
 * debit) and its account, RmtInf/Ustrd per remittance line and RmtInf/Strd/CdtrRefInf per structured reference.
 */
export function writeCamt053(
  statements: readonly Statement[],
  options: { messageId?: string; createdAt?: string } = {},
): string {
  const created = options.createdAt ?? `${periodOf(statements[0] ?? emptyStatement()).end}T18:00:00`;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
  );
  out.push('  <BkToCstmrStmt>');
  out.push(
    `    <GrpHdr><MsgId>${x(options.messageId ?? 'ENCAISSE-CAMT053')}</MsgId><CreDtTm>${created}</CreDtTm></GrpHdr>`,
  );
  statements.forEach((st, n) => {
    const period = periodOf(st);
    const { opening, closing } = balancesOf(st);
    out.push('    <Stmt>');
    out.push(`      <Id>${x(st.statementId ?? `STMT-${n + 1}`)}</Id>`);
    out.push(`      <ElctrncSeqNb>${n + 1}</ElctrncSeqNb>`);
    out.push(`      <CreDtTm>${period.end}T18:00:00</CreDtTm>`);
    out.push(`      <FrToDt><FrDtTm>${period.start}T00:00:00</FrDtTm><ToDtTm>${period.end}T23:59:59</ToDtTm></FrToDt>`);
    out.push(
      `      <Acct>${accountId(st)}<Ccy>${x(st.currency)}` +
        `</Ccy>${st.account.bic ? `<Svcr><FinInstnId><BICFI>${x(st.account.bic)}</BICFI></FinInstnId></Svcr>` : ''}` +
        `</Acct>`,
    );
    out.push(balance('OPBD', opening, st.currency, period.start));
    out.push(balance('CLBD', closing, st.currency, period.end));
    out.push(`      <TxsSummry><TtlNtries><NbOfNtries>${st.entries.length}</NbOfNtries></TtlNtries></TxsSummry>`);
    for (const e of st.entries) out.push(entry(e));
    out.push('    </Stmt>');
  });
  out.push('  </BkToCstmrStmt>');
  out.push('</Document>');
  return `${out.join('\n')}\n`;
}

function emptyStatement(): Statement {
  return { format: 'camt053', account: {}, currency: 'EUR', entries: [], balanceCheck: { status: 'ok' } };
}

function accountId(st: Statement): string {
  if (st.account.iban) return `<Id><IBAN>${x(st.account.iban)}</IBAN></Id>`;
  const other = [st.account.bankCode, st.account.branchCode, st.account.accountNumber].filter(Boolean).join('');
  return `<Id><Othr><Id>${x(other || 'UNKNOWN')}</Id></Othr></Id>`;
}

function amount(cents: number, ccy: string): string {
  return `<Amt Ccy="${x(ccy)}">${decimal(cents, '.')}</Amt><CdtDbtInd>${cents < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd>`;
}

function balance(code: string, cents: number, ccy: string, date: string): string {
  return (
    `      <Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amount(cents, ccy)}<Dt>` +
    `<Dt>${date}</Dt></Dt></Bal>`
  );
}

function entry(e: StatementEntry): string {
  const credit = e.amountCents >= 0;
  const btc = e.bankCodes.find((c) => /^[A-Z]{4}\/[A-Z]{4}\/[A-Z]{4}$/.test(c));
  const [domain, family, sub] = (btc ?? (credit ? 'PMNT/RCDT/ESCT' : 'PMNT/ICDT/ESCT')).split('/');
  const refs = [
    e.bankReference ? `<AcctSvcrRef>${x(e.bankReference)}</AcctSvcrRef>` : '',
    `<EndToEndId>${x(e.endToEndId ?? 'NOTPROVIDED')}</EndToEndId>`,
  ].join('');
  const party =
    e.counterpartyName || e.counterpartyIban
      ? `<RltdPties>` +
        `${
          e.counterpartyName
            ? `<${credit ? 'Dbtr' : 'Cdtr'}><Pty>` +
              `<Nm>${x(oneLine(e.counterpartyName))}</Nm></Pty></${credit ? 'Dbtr' : 'Cdtr'}>`
            : ''
        }` +
        `${
          e.counterpartyIban
            ? `<${credit ? 'DbtrAcct' : 'CdtrAcct'}><Id>` +
              `<IBAN>${x(e.counterpartyIban)}</IBAN></Id></${credit ? 'DbtrAcct' : 'CdtrAcct'}>`
            : ''
        }</RltdPties>`
      : '';
  const ustrd = e.remittance.unstructured.map((l) => `<Ustrd>${x(oneLine(l))}</Ustrd>`).join('');
  const strd = e.remittance.structured
    .map(
      (r) =>
        `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>` +
        `<Ref>${x(oneLine(r))}</Ref></CdtrRefInf></Strd>`,
    )
    .join('');
  const rmt = ustrd || strd ? `<RmtInf>${ustrd}${strd}</RmtInf>` : '';
  return [
    '      <Ntry>',
    `        ` +
      `${amount(e.amountCents, e.currency)}${e.reversal ? '<RvslInd>true</RvslInd>' : ''}<Sts><Cd>BOOK</Cd></Sts>`,
    `        ` +
      `<BookgDt><Dt>${e.bookingDate}</Dt></BookgDt>${e.valueDate ? `<ValDt><Dt>${e.valueDate}</Dt></ValDt>` : ''}`,
    e.bankReference ? `        <AcctSvcrRef>${x(e.bankReference)}</AcctSvcrRef>` : '',
    `        ` +
      `<BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>`,
    `        ` +
      `<NtryDtls><TxDtls><Refs>${refs}</Refs>${amount(e.amountCents, e.currency)}${party}${rmt}</TxDtls></NtryDtls>`,
    `        <AddtlNtryInf>${x(oneLine(e.label))}</AddtlNtryInf>`,
    '      </Ntry>',
  ]
    .filter(Boolean)
    .join('\n');
}
