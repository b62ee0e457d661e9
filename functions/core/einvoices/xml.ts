import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { EInvoiceError } from './errors';

/** An element of a small XML tree: local name (prefix dropped), attributes, children, own text. */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/**
 * E-invoices are small; a bigger XML is refused before it is parsed (UBL may carry base64 attachments: room for them).
 */
export const MAX_XML_BYTES = 20 * 1024 * 1024;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Parses XML into a tree with saxes, hardened like the statement parsers: a DOCTYPE (and so any DTD or entity
 * declaration) is refused, no external resource is ever read, only the five predefined entities are known.
 * Returns the root and its namespace URI (resolved by hand from the root's xmlns attributes).
 */
export function parseXml(text: string): { root: XNode; namespace: string } {
  if (text.length > MAX_XML_BYTES) throw new EInvoiceError('too_large', `XML larger than ${MAX_XML_BYTES} bytes`);
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XNode[] = [];
  let root: XNode | undefined;
  let namespace = '';
  let failure: EInvoiceError | undefined;
  const fail = (e: EInvoiceError): never => {
    failure ??= e;
    throw failure;
  };
  parser.on('error', (err) => {
    if (failure) throw failure;
    fail(new EInvoiceError('corrupt', `XML: ${err.message.replace(/^[^:]*:\d+:\d+: /, '')} (line ${parser.line})`));
  });
  parser.on('doctype', () =>
    fail(new EInvoiceError('corrupt', 'XML: a DOCTYPE is not accepted in an e-invoice (DTD and entities are refused)')),
  );
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const node: XNode = {
      name: localName(tag.name),
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    if (stack.length === 0) {
      if (root) fail(new EInvoiceError('corrupt', 'XML: more than one root element'));
      root = node;
      const colon = tag.name.indexOf(':');
      namespace = (colon < 0 ? node.attrs.xmlns : node.attrs[`xmlns:${tag.name.slice(0, colon)}`]) ?? '';
    } else stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  const onText = (t: string) => {
    if (stack.length > 0) stack[stack.length - 1].text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).close();
  } catch (err) {
    if (err instanceof EInvoiceError) throw err;
    throw new EInvoiceError('corrupt', `XML: ${(err as Error).message}`);
  }
  if (!root) throw new EInvoiceError('empty', 'no XML element');
  return { root, namespace };
}

/** The first descendant along a path of local names. */
export function child(node: XNode | undefined, ...path: string[]): XNode | undefined {
  let cur = node;
  for (const name of path) {
    cur = cur?.children.find((c) => c.name === name);
    if (!cur) return undefined;
  }
  return cur;
}

/** Every child with that local name at the end of the path. */
export function childrenAt(node: XNode | undefined, ...path: string[]): XNode[] {
  if (!node || path.length === 0) return [];
  const parent = child(node, ...path.slice(0, -1));
  const last = path[path.length - 1];
  return parent ? parent.children.filter((c) => c.name === last) : [];
}

/** Trimmed text at a path, undefined when absent or blank. */
export function text(node: XNode | undefined, ...path: string[]): string | undefined {
  const n = path.length ? child(node, ...path) : node;
  const t = n?.text.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}
