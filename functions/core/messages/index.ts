export * from './format';
export * from './reminder';
export * from './notices';
export * from './finance';
export * from './withdrawals';
export * from './events';
export * from './tasks';
