export * from './forms';
export * from './penalties';
export * from './promise-pause';
export * from './render';
export * from './reported-payment';
export { LEVEL_LABELS, STRINGS, type StringKey } from './strings';
