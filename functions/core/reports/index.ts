export * from './aged-balance';
export * from './dso';
export * from './payer-score';
export * from './forecast';
