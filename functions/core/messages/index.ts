export * from './events';
export * from './finance';
export * from './format';
export * from './notices';
export * from './reminder';
export * from './tasks';
export * from './withdrawals';
