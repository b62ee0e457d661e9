import { type ParseOptions, parseStatementFile, StatementParseError } from '../../../functions/core/statements/index';

export function parseError(input: Uint8Array, options?: ParseOptions): StatementParseError {
  try {
    parseStatementFile(input, options);
  } catch (e) {
    if (e instanceof StatementParseError) return e;
    throw e;
  }
  throw new Error('expected a StatementParseError');
}
