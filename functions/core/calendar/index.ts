export * from './business-days';
export * from './holidays';
export * from './time-zone';
