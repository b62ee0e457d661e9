export * from './reductions';
