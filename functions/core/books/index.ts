export * from './bookings';
export * from './encaissements';
export * from './fec-writer';
export * from './model';
export * from './periods';
export * from './plan';
