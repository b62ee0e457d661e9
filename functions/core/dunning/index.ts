export * from './penalties';
export * from './policy';
export * from './rates';
export * from './schedule';
