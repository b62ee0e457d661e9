/**
 * IBAN (ISO 13616) and French RIB helpers: the one place the project checks and builds account numbers.
 * Pure: strings in, strings or booleans out.
 */

/** The IBAN as stored and compared: no spaces (of any kind), upper case. */
export function normalizeIban(candidate: string): string {
  return candidate.replace(/\s+/g, '').toUpperCase();
}

/**
 * Remainder mod 97 of a string of digits and capital letters read as a number, letters counting as two digits
 * (A = 10 ... Z = 35), as ISO 7064 mod 97-10 does. Works character by character: no big numbers. `from` reads the
 * string rotated, from that index round to the one before it (an IBAN is checked from its 5th character, `from` 4),
 * without building the rotated copy.
 */
export function mod97(s: string, from = 0): number {
  let r = 0;
  const n = s.length;
  for (let k = from; k < n + from; k++) {
    const c = s.charCodeAt(k < n ? k : k - n);
    r = c >= 65 ? (r * 100 + (c - 55)) % 97 : (r * 10 + (c - 48)) % 97;
  }
  return r;
}

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/**
 * ISO 13616 check: country code, two check digits, then the national account number (BBAN, 11 to 30 letters or
 * digits; the shortest, Norway's, has 11); spaces and lower case are accepted on input. The number rearranged
 * (BBAN first, then country and check digits) must leave 1 mod 97.
 */
export function isValidIban(candidate: string): boolean {
  const iban = normalizeIban(candidate);
  if (!IBAN_SHAPE.test(iban)) return false;
  return mod97(iban, 4) === 1;
}

/** The French RIB key ("clé RIB") of bank/branch/account (letters of the account map to digits the French way). */
export function ribKey(bank: string, branch: string, account: string): string {
  const acc = account
    .toUpperCase()
    .replace(/[A-Z]/g, (c) => String('12345678912345678923456789'.charAt(c.charCodeAt(0) - 65)));
  const n = (89 * Number(bank) + 15 * Number(branch) + 3 * Number(acc)) % 97;
  return String(97 - n).padStart(2, '0');
}

/** FRkk + bank + branch + account + RIB key, from a French RIB (5 + 5 + 11 characters); undefined if not a RIB. */
export function frenchIbanFromRib(bank: string, branch: string, account: string): string | undefined {
  if (!/^\d{5}$/.test(bank) || !/^\d{5}$/.test(branch) || !/^[0-9A-Z]{11}$/i.test(account)) return undefined;
  const bban = `${bank}${branch}${account.toUpperCase()}${ribKey(bank, branch, account)}`;
  const check = 98 - mod97(`${bban}FR00`);
  return `FR${String(check).padStart(2, '0')}${bban}`;
}
