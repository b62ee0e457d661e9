import type { Statement } from '../../model/statement';
import { balancesOf, ddmmyyyySlash, decimal, oneLine } from './common';

export const CSV_WRITER_COLUMNS = [
  'Compte',
  'Date opération',
  'Date valeur',
  'Libellé',
  'Tiers',
  'IBAN tiers',
  'Référence',
  'Référence de bout en bout',
  'Référence structurée',
  'Détail',
  'Débit',
  'Crédit',
  'Solde',
] as const;

function cell(s: string): string {
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes a French bank portal CSV export: ';' separated, decimal comma, DD/MM/YYYY dates, separate Débit (negative)
 * and Crédit columns, a running Solde (balance after each row, so the opening and closing balances can be read back),
 * remittance lines joined by ' ' in Détail, structured references space separated. Several statements are told apart
 * by the Compte column. Lines end with CRLF.
 */
export function writeCsv(statements: readonly Statement[]): string {
  const rows: string[] = [CSV_WRITER_COLUMNS.join(';')];
  for (const st of statements) {
    const account =
      st.account.iban ??
      [st.account.bankCode, st.account.branchCode, st.account.accountNumber].filter(Boolean).join(' ');
    let running = balancesOf(st).opening;
    for (const e of st.entries) {
      running += e.amountCents;
      const row = [
        account,
        ddmmyyyySlash(e.bookingDate),
        ddmmyyyySlash(e.valueDate ?? e.bookingDate),
        oneLine(e.label),
        oneLine(e.counterpartyName),
        oneLine(e.counterpartyIban),
        oneLine(e.bankReference),
        oneLine(e.endToEndId),
        e.remittance.structured.map(oneLine).join(' '),
        e.remittance.unstructured.map(oneLine).join(' '),
        e.amountCents < 0 ? `-${decimal(e.amountCents, ',')}` : '',
        e.amountCents >= 0 ? decimal(e.amountCents, ',') : '',
        `${running < 0 ? '-' : ''}${decimal(running, ',')}`,
      ];
      rows.push(row.map(cell).join(';'));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
