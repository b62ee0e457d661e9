export * from './fields';
export * from './statement';
export * from './dunning-level';
export * from './invoice';
export * from './customer';
export * from './matching';
