import type { ParsedStatementFile, Statement, StatementEntry } from '../model/statement';
import { formatCents } from '../money';

const WORDS = {
  en: {
    format: 'Format',
    statement: 'Statement',
    account: 'Account',
    currency: 'Currency',
    period: 'Period',
    opening: 'Opening balance',
    closing: 'Closing balance',
    entries: 'Entries',
    credits: 'credits',
    debits: 'debits',
    check: 'Balance check',
    ok: 'OK',
    mismatch: 'MISMATCH',
    na: 'not applicable',
    expected: 'expected',
    stated: 'stated',
    difference: 'difference',
    none: '(none)',
    counterparty: 'counterparty',
    refs: 'refs',
    text: 'text',
    e2e: 'end-to-end',
    bankRef: 'bank ref',
    reversal: 'REVERSAL',
    more: 'more',
  },
  fr: {
    format: 'Format',
    statement: 'Relevé',
    account: 'Compte',
    currency: 'Devise',
    period: 'Période',
    opening: 'Solde initial',
    closing: 'Solde final',
    entries: 'Opérations',
    credits: 'crédits',
    debits: 'débits',
    check: 'Contrôle des soldes',
    ok: 'OK',
    mismatch: 'ÉCART',
    na: 'non applicable',
    expected: 'attendu',
    stated: 'indiqué',
    difference: 'écart',
    none: '(aucun)',
    counterparty: 'tiers',
    refs: 'réf.',
    text: 'texte',
    e2e: 'bout en bout',
    bankRef: 'réf. banque',
    reversal: 'REJET/ANNULATION',
    more: 'de plus',
  },
} as const;

function accountText(st: Statement, none: string): string {
  const a = st.account;
  const rib = [a.bankCode, a.branchCode, a.accountNumber].filter(Boolean).join(' ');
  return [a.iban, rib && `(${rib})`, a.bic].filter(Boolean).join(' ') || none;
}

function entryLines(e: StatementEntry, w: (typeof WORDS)['en' | 'fr']): string[] {
  const amount = formatCents(e.amountCents).padStart(14);
  const head =
    `  #${String(e.index).padEnd(4)} ` +
    `${e.bookingDate}${e.valueDate && e.valueDate !== e.bookingDate ? ` (val ${e.valueDate})` : '              '} ` +
    `${amount} ${e.currency}  ${e.label}${e.reversal ? `  [${w.reversal}]` : ''}`;
  const out = [head];
  const details: string[] = [];
  if (e.counterpartyName || e.counterpartyIban)
    details.push(`${w.counterparty}: ${[e.counterpartyName, e.counterpartyIban].filter(Boolean).join(' ')}`);
  if (e.bankReference) details.push(`${w.bankRef}: ${e.bankReference}`);
  if (e.endToEndId) details.push(`${w.e2e}: ${e.endToEndId}`);
  if (e.remittance.structured.length) details.push(`${w.refs}: ${e.remittance.structured.join(' | ')}`);
  for (const d of details) out.push(`          ${d}`);
  for (const t of e.remittance.unstructured) out.push(`          ${w.text}: ${t}`);
  return out;
}

/** A human-readable account of how a file was read, for `recon parse`. */
export function describeStatement(
  parsed: ParsedStatementFile,
  options: { language?: 'en' | 'fr'; maxEntries?: number } = {},
): string {
  const w = WORDS[options.language ?? 'en'];
  const max = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const lines: string[] = [
    `${w.format}: ${parsed.format}, ${parsed.statements.length} ${w.statement.toLowerCase()}(s)`,
  ];
  parsed.statements.forEach((st, i) => {
    const credits = st.entries.filter((e) => e.amountCents >= 0);
    const debits = st.entries.filter((e) => e.amountCents < 0);
    const sum = (xs: StatementEntry[]) => formatCents(xs.reduce((s, e) => s + e.amountCents, 0));
    lines.push('');
    lines.push(`${w.statement} ${i + 1}${st.statementId ? ` (${st.statementId})` : ''}`);
    lines.push(`  ${w.account}: ${accountText(st, w.none)}`);
    lines.push(`  ${w.currency}: ${st.currency}   ${w.period}: ${st.periodStart ?? '?'} .. ${st.periodEnd ?? '?'}`);
    lines.push(
      `  ${w.opening}: ${st.openingBalanceCents === undefined ? '-' : formatCents(st.openingBalanceCents)}   ` +
        `${w.closing}: ${st.closingBalanceCents === undefined ? '-' : formatCents(st.closingBalanceCents)}`,
    );
    lines.push(
      `  ${w.entries}: ${st.entries.length} (${credits.length} ${w.credits} ${sum(credits)}, ${debits.length} ` +
        `${w.debits} ${sum(debits)})`,
    );
    const c = st.balanceCheck;
    if (c.status === 'ok') lines.push(`  ${w.check}: ${w.ok}`);
    else if (c.status === 'not-applicable') lines.push(`  ${w.check}: ${w.na} (${c.reason})`);
    else
      lines.push(
        `  ${w.check}: ${w.mismatch}: ${w.expected} ${formatCents(c.expectedClosingCents)}, ${w.stated} ` +
          `${formatCents(c.statedClosingCents)}, ${w.difference} ${formatCents(c.differenceCents)}`,
      );
    for (const e of st.entries.slice(0, max)) lines.push(...entryLines(e, w));
    if (st.entries.length > max) lines.push(`  ... ${st.entries.length - max} ${w.more}`);
  });
  return `${lines.join('\n')}\n`;
}
