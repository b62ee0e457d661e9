/** What the streaming XML scanner (scanner.ts) tells its handler, and the error it throws. */

export class XmlSyntaxError extends Error {
  constructor(
    readonly code: 'truncated' | 'corrupt',
    message: string,
    /** 1-based line where the problem was seen. */
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** What the scanner tells: `wantText` is read before each text: 0 none, 1 only text that is not blank, 2 all. */
export interface XmlHandler {
  wantText: 0 | 1 | 2;
  /** An element opens: its local name (prefix dropped), its attributes by qualified name (null when none). */
  open(local: string, attrs: Record<string, string> | null, qname: string): void;
  /** The innermost open element closes. */
  close(): void;
  text(text: string): void;
}
