export type StatementParseErrorCode =
  | 'unknown_format'
  | 'unsupported_version'
  | 'empty'
  | 'corrupt'
  | 'truncated'
  | 'encoding'
  | 'invalid_amount'
  | 'invalid_date'
  | 'missing_field';

/** A statement file that cannot be read. `line` (1-based) or `element` (XML path) says where, when known. */
export class StatementParseError extends Error {
  readonly code: StatementParseErrorCode;
  readonly line?: number;
  readonly element?: string;

  constructor(code: StatementParseErrorCode, message: string, where: { line?: number; element?: string } = {}) {
    const at = [where.line !== undefined ? `line ${where.line}` : '', where.element ? `element ${where.element}` : '']
      .filter(Boolean)
      .join(', ');
    super(at ? `${message} (${at})` : message);
    this.name = 'StatementParseError';
    this.code = code;
    if (where.line !== undefined) this.line = where.line;
    if (where.element !== undefined) this.element = where.element;
  }

  toJSON(): { code: StatementParseErrorCode; message: string; line?: number; element?: string } {
    return { code: this.code, message: this.message, line: this.line, element: this.element };
  }
}
