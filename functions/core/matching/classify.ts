import { foldText } from './normalize';

/**
 * What a bank movement is before any invoice is looked at: a returned payment (impayé, rejet), a credit that is no
 * customer receipt (tax refund, grant, interest, insurance, own-account transfer, card or supplier credit), or a
 * possible customer receipt.
 */
/** Whole words: any of the alternatives (regex source). */
const anyWord = (...alternatives: string[]) => new RegExp(`\\b(${alternatives.join('|')})\\b`);

const NON_CUSTOMER: { re: RegExp; what: string }[] = [
  {
    re: anyWord(
      'DGFIP|DGI|TRESOR PUBLIC|TRESORERIE|SIE|SERVICE DES IMPOTS|IMPOTS',
      'REMB(OURSEMENT)? (DE )?(CREDIT )?(DE )?TVA|CREDIT (DE )?TVA|CICE|CIR',
    ),
    what: 'tax refund',
  },
  { re: /\b(URSSAF|CPAM|CAF|POLE EMPLOI|FRANCE TRAVAIL|ASP|BPIFRANCE|SUBVENTION)\b/, what: 'public body or grant' },
  {
    re: /\b(INTERETS?( CREDITEURS?)?|REMUNERATION (DU )?COMPTE|INT CRED|INTERETS SUR|COUPON)\b/,
    what: 'bank interest',
  },
  { re: /\b(ASSURANCES?|INDEMNISATION|INDEMNITE SINISTRE|SINISTRE|MUTUELLE|PREVOYANCE)\b/, what: 'insurance' },
  {
    re: anyWord(
      'VIR(EMENT)? INTERNE|VIR(EMENT)? (DE )?(CPTE|COMPTE) A (CPTE|COMPTE)|TRANSFERT INTERNE|VIR(EMENT)? TRESORERIE',
      'VIREMENT ENTRE COMPTES|APPORT (EN )?COMPTE COURANT|ALIMENTATION COMPTE',
    ),
    what: 'own-account transfer',
  },
  {
    re: /\b(REMISE CB|REMISE CARTE|ANNULATION CB|REMBOURSEMENT FOURNISSEUR|AVOIR FOURNISSEUR|RETROCESSION)\b/,
    what: 'card or supplier credit',
  },
];
const RETURN_WORDS = anyWord(
  'IMPAYES?|REJETS?|REJETEE?S?|RETOURS?|RETURNED|RETURN|REVERSAL',
  'CONTRE ?PASSATION|ANNULATION|RTRANSACTION|R TRANSACTION|REFUS|REFUSE',
);
const RETURN_CODES = new Set(['RRTN', 'UPDD', 'RPCR', 'ARET', 'RRCT']);
const RETURN_CODE_IN = /(^|[^A-Z])(RRTN|UPDD|RPCR)($|[^A-Z])/;

/** The texts of a movement that may name an invoice, a payer or a payment, in reading order. */
export interface MovementTexts {
  label?: string;
  remittance?: { unstructured?: string[]; structured?: string[] };
  endToEndId?: string;
  counterpartyName?: string;
}
export function textsOf(t: MovementTexts): string[] {
  const out = [t.label ?? ''];
  if (t.remittance?.unstructured) out.push(...t.remittance.unstructured);
  if (t.remittance?.structured) out.push(...t.remittance.structured);
  if (t.endToEndId && t.endToEndId !== 'NOTPROVIDED') out.push(t.endToEndId);
  if (t.counterpartyName) out.push(t.counterpartyName);
  return out.filter((s) => s?.trim());
}

/** A debit that gives back a customer's payment (the bank flagged it, its code says so, or its text does). */
export function isReturnedPayment(
  t: { amountCents: number; reversal?: boolean; bankCodes?: readonly string[] },
  folded: string,
): boolean {
  if (t.amountCents >= 0) return false;
  if (t.reversal) return true;
  if ((t.bankCodes ?? []).some((c) => RETURN_CODES.has(c.toUpperCase()) || RETURN_CODE_IN.test(c.toUpperCase())))
    return true;
  return RETURN_WORDS.test(folded);
}

/** The same test from a movement's fields, for callers that have not folded its texts (the ingest). */
export function looksLikeReturnedPayment(
  t: MovementTexts & { amountCents: number; reversal?: boolean; bankCodes?: readonly string[] },
): boolean {
  return isReturnedPayment(t, foldText(textsOf(t).join(' ')));
}

/** What a credit is when it is no customer receipt, by its folded text; undefined when it may be one. */
export function nonCustomerCredit(folded: string): string | undefined {
  return NON_CUSTOMER.find((n) => n.re.test(folded))?.what;
}
