export * from './aged-balance';
export * from './dso';
export * from './forecast';
export * from './payer-score';
