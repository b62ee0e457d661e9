export * from './customer';
export * from './dunning-level';
export * from './fields';
export * from './invoice';
export * from './matching';
export * from './statement';
