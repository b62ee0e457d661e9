import { payerNameTies } from './customer-index';
import { ibanKey, tokens } from './normalize';
import type { MatchCustomer } from './types';

/**
 * Payer aliases: an IBAN or a payer name finance tied to a customer by accepting or making a match the matcher could
 * not make alone (a parent company, a factor, a new account). Pure: which identities a correction teaches.
 */
export type AliasKind = 'iban' | 'name';
export interface PayerAlias {
  kind: AliasKind;
  /** The comparison form: IBAN letters and digits, or the name's folded words. */
  value: string;
  /** As the bank printed it. */
  display: string;
}

export function aliasValue(kind: AliasKind, raw: string): string {
  return kind === 'iban' ? ibanKey(raw) : tokens(raw).join(' ');
}

/** A path-safe id: `iban-FR76…` or `name-HOLDING-MARTIN` (values hold only A-Z, 0-9 and spaces). */
export function aliasIdOf(kind: AliasKind, value: string): string {
  return `${kind}-${value.replace(/ /g, '-')}`;
}

export function parseAliasId(aliasId: string): { kind: AliasKind; value: string } | undefined {
  const m = /^(iban|name)-([A-Z0-9]+(?:-[A-Z0-9]+)*)$/.exec(aliasId);
  return m ? { kind: m[1] as AliasKind, value: m[2].replace(/-/g, ' ') } : undefined;
}

/**
 * What a payment finance lettered to ONE customer teaches about that customer's payer identities. A payer IBAN
 * already known for the customer (its own or a live alias) teaches nothing: the matcher knew who paid. Otherwise an
 * unknown IBAN is learned, and so is a payer name the matcher does not tie to the customer. An identity finance
 * removed (`known` holds live aliases and tombstones) is never learned again.
 */
export function aliasesToLearn(
  customer: MatchCustomer,
  known: readonly { kind: AliasKind; value: string; removed: boolean }[],
  payer: { counterpartyIban?: string; counterpartyName?: string },
): PayerAlias[] {
  const has = (kind: AliasKind, value: string) => known.some((a) => a.kind === kind && a.value === value);
  const out: PayerAlias[] = [];
  const iban = payer.counterpartyIban ? aliasValue('iban', payer.counterpartyIban) : '';
  if (iban.length >= 8) {
    const live = known.some((a) => a.kind === 'iban' && a.value === iban && !a.removed);
    if (live || customer.ibans.some((i) => ibanKey(i) === iban)) return [];
    if (!has('iban', iban)) out.push({ kind: 'iban', value: iban, display: payer.counterpartyIban!.trim() });
  }
  const name = payer.counterpartyName?.trim() ?? '';
  const nameValue = aliasValue('name', name);
  const liveNames = known.filter((a) => a.kind === 'name' && !a.removed).map((a) => a.value);
  if (nameValue && !has('name', nameValue) && !payerNameTies({ ...customer, aliasNames: liveNames }, name)) {
    out.push({ kind: 'name', value: nameValue, display: name });
  }
  return out;
}

/**
 * The matcher's view of customers with their live aliases: alias IBANs join the customer's IBANs, alias names its
 * names.
 */
export function withAliases(
  customers: readonly { customerId: string; name: string; ibans: readonly string[] }[],
  liveAliases: readonly { customerId: string; kind: AliasKind; display: string }[],
): MatchCustomer[] {
  const byCustomer = new Map<string, { kind: AliasKind; display: string }[]>();
  for (const a of liveAliases) byCustomer.set(a.customerId, [...(byCustomer.get(a.customerId) ?? []), a]);
  return customers.map((c) => {
    const aliases = byCustomer.get(c.customerId) ?? [];
    const ibans = [...c.ibans, ...aliases.filter((a) => a.kind === 'iban').map((a) => a.display)];
    const aliasNames = aliases.filter((a) => a.kind === 'name').map((a) => a.display);
    return { customerId: c.customerId, name: c.name, ibans, ...(aliasNames.length > 0 ? { aliasNames } : {}) };
  });
}
