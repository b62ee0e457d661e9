import { formatMoney } from '../money';

/**
 * The creditor's legal identity, printed on every letter, case file and customer e-mail.
 *
 * Code de commerce, article R123-237: every business document of a registered company (invoices, letters, order
 * forms, e-mails...) states its registration number (SIREN) followed by "RCS" and the city of the registry, the
 * registered office, and for a company its legal form and share capital. The SIRET of the issuing establishment and
 * the intra-EU VAT number (CGI art. 242 nonies A for invoices) are printed too, and the formal notice is signed by a
 * named person.
 */
export interface LegalIdentity {
  /** "SAS", "SARL", "SA"... */
  legalForm: string;
  shareCapitalCents: number;
  /** 9 digits, Luhn-checked. */
  siren: string;
  /** 14 digits of the issuing establishment: the SIREN then the 5-digit NIC, Luhn-checked. */
  siret: string;
  /** City of the Registre du commerce et des sociétés. */
  rcsCity: string;
  /** "FR" + 2-digit key + SIREN. */
  vatNumber: string;
  /** Registered office ("siège social"), one entry per line. */
  registeredAddress: string[];
  /** Who signs the formal notice. */
  signatory: { name: string; title: string };
  /** Who customers write or call about their account. */
  accounting: { name: string; email: string; phone: string };
}

/** The Luhn check SIREN and SIRET numbers carry (La Poste's establishments, SIREN 356000000, follow another rule). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const LA_POSTE = '356000000';

export function isValidSiren(siren: string): boolean {
  return /^\d{9}$/.test(siren) && luhnValid(siren);
}

export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith(LA_POSTE)) return [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0;
  return luhnValid(siret);
}

/** The French intra-EU VAT number of a SIREN: "FR" + (12 + 3 × (SIREN mod 97)) mod 97 on two digits + SIREN. */
export function frenchVatNumber(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

/** Spaces removed, upper case: "fr 11 123 456 782" -> "FR11123456782". */
export function compactId(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** Every inconsistency of an identity, by field name (empty when it is sound). */
export function legalIdentityProblems(
  id: Pick<LegalIdentity, 'siren' | 'siret' | 'vatNumber'>,
): { field: 'siren' | 'siret' | 'vatNumber'; message: string }[] {
  const problems: { field: 'siren' | 'siret' | 'vatNumber'; message: string }[] = [];
  if (!isValidSiren(id.siren))
    problems.push({ field: 'siren', message: 'a SIREN of 9 digits whose Luhn check passes' });
  if (!isValidSiret(id.siret))
    problems.push({ field: 'siret', message: 'a SIRET of 14 digits whose Luhn check passes' });
  else if (!id.siret.startsWith(id.siren))
    problems.push({ field: 'siret', message: 'the SIRET starts with the SIREN' });
  if (isValidSiren(id.siren) && id.vatNumber !== frenchVatNumber(id.siren))
    problems.push({
      field: 'vatNumber',
      message: `the French VAT number of this SIREN is ${frenchVatNumber(id.siren)}`,
    });
  return problems;
}

/** "123 456 782" */
export function formatSiren(siren: string): string {
  return siren.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
}
/** "123 456 782 00012" */
export function formatSiret(siret: string): string {
  return siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4');
}

/**
 * The mentions of R123-237 as lines, in the reader's language: "Atelier SAS, SAS au capital de 10 000,00 €",
 * "Siège social : ...", "RCS Lyon 123 456 782 – SIRET ... – TVA FR...".
 */
export function legalMentions(name: string, id: LegalIdentity, language: 'fr' | 'en'): string[] {
  const capital = formatMoney(id.shareCapitalCents, 'EUR', language);
  const office = id.registeredAddress.join(', ');
  const rcs = `RCS ${id.rcsCity} ${formatSiren(id.siren)}`;
  return language === 'fr'
    ? [
        `${name}, ${id.legalForm} au capital de ${capital}`,
        `Siège social : ${office}`,
        `${rcs} – SIRET ${formatSiret(id.siret)} – TVA intracommunautaire ${id.vatNumber}`,
      ]
    : [
        `${name}, ${id.legalForm} with a share capital of ${capital}`,
        `Registered office: ${office}`,
        `${rcs} – SIRET ${formatSiret(id.siret)} – EU VAT number ${id.vatNumber}`,
      ];
}

/** The accounting contact, one line: "Comptabilité clients : Julie Bernard – compta@... – 04 72 00 00 00". */
export function accountingContactLine(id: LegalIdentity, language: 'fr' | 'en'): string {
  const c = id.accounting;
  return (
    `${language === 'fr' ? 'Comptabilité clients' : 'Accounts receivable'}${language === 'fr' ? ' :' : ':'} ` +
    `${[c.name, c.email, c.phone].join(' – ')}`
  );
}
