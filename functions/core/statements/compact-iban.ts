import { mod97 } from '../iban';
import { isValidIban, normalizeIban } from './accounts';

const upperOrDigit = (c: number) => (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/**
 * The IBAN a text holds (normalized), or undefined: isValidIban then normalizeIban, without their copies and regular
 * expressions for the common case of an IBAN already written compact and in capitals (the statement parsers call it
 * once per entry).
 */
export function ibanIn(s: string): string | undefined {
  const n = s.length;
  let compact = n >= 15 && n <= 34;
  for (let i = 0; compact && i < n; i++) {
    const c = s.charCodeAt(i);
    compact = i < 2 ? c >= 65 && c <= 90 : i < 4 ? c >= 48 && c <= 57 : upperOrDigit(c);
  }
  if (!compact) return isValidIban(s) ? normalizeIban(s) : undefined;
  return mod97(s, 4) === 1 ? s : undefined;
}
