export * from './forms';
export * from './render';
export { LEVEL_LABELS, STRINGS, type StringKey } from './strings';
