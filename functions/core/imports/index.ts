export * from './types';
export * from './invoice-csv';
export * from './fec';
export * from './plan';
export * from './reasons';
export * from './open-invoices';
