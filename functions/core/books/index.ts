export * from './model';
export * from './periods';
export * from './bookings';
export * from './plan';
export * from './fec-writer';
export * from './encaissements';
