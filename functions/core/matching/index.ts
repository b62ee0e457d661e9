export { matchTransactions, createMatcher, type MatchInput, type MatchableTransaction } from './engine';
export { OpenInvoice, MatchCustomer, MatchTransaction, MatchOptions, LetteredPayment, type MatchOptionsInput } from './types';
export { looksLikeReturnedPayment } from './classify';
export { foldText, referenceKey, nameCoreTokens, ibanKey } from './normalize';
export { ReferenceIndex, withinOneEdit } from './reference-index';
export { CustomerIndex, payerNameTies } from './customer-index';
export { findSubsets } from './subset-sum';
export { aliasesToLearn, aliasIdOf, aliasValue, parseAliasId, withAliases, type AliasKind, type PayerAlias } from './payer-aliases';
