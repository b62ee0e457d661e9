export * from './pdf-writer';
export * from './formal-notice';
export * from './agency-case';
