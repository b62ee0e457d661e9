export * from './policy';
export * from './schedule';
export * from './rates';
export * from './penalties';
