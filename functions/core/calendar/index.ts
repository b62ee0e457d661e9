export * from './holidays';
export * from './business-days';
export * from './time-zone';
