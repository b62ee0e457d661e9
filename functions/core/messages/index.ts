export * from './finance';
export * from './format';
export * from './notices';
export * from './reminder';
export * from './withdrawals';
