export * from './agency-case';
export * from './formal-notice';
export * from './pdf-writer';
