export * from './fec';
export * from './invoice-csv';
export * from './open-invoices';
export * from './plan';
export * from './reasons';
export * from './types';
export * from './warnings';
