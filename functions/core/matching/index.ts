export { looksLikeReturnedPayment } from './classify';
export { CustomerIndex, payerNameTies } from './customer-index';
export { createMatcher, type MatchableTransaction, type MatchInput, matchTransactions } from './engine';
export { foldText, ibanKey, nameCoreTokens, referenceKey } from './normalize';
export {
  type AliasKind,
  aliasesToLearn,
  aliasIdOf,
  aliasValue,
  type PayerAlias,
  parseAliasId,
  withAliases,
} from './payer-aliases';
export { ReferenceIndex, withinOneEdit } from './reference-index';
export { givenBackResult } from './returns';
export { findSubsets } from './subset-sum';
export {
  LetteredPayment,
  MatchCustomer,
  MatchOptions,
  type MatchOptionsInput,
  MatchTransaction,
  OpenInvoice,
  UnletteredPayment,
} from './types';
