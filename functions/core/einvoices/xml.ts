import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { localName, type XNode } from '../xml/tree';
import { EInvoiceError } from './errors';

/**
 * E-invoices are small; a bigger XML is refused before it is parsed (UBL may carry base64 attachments: room for them).
 */
export const MAX_XML_BYTES = 20 * 1024 * 1024;
/**
 * The tree is built whole, so its size is capped, not only the bytes: 20 MiB of "<a/>" (a Factur-X attachment of a
 * few kB once compressed) is five million nodes, over a gigabyte of heap. An invoice header needs a few hundred
 * elements and each line a few dozen: 200,000 elements (and as many attributes) leave room for thousands of lines.
 */
export const MAX_XML_ELEMENTS = 200_000;
export const MAX_XML_ATTRIBUTES = 200_000;
/** CII and UBL nest a dozen levels deep; deeper is not an invoice (and a deep tree is a stack to walk). */
export const MAX_XML_DEPTH = 64;

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
  let elements = 0;
  let attributes = 0;
  parser.on('opentagstart', () => {
    if (++elements > MAX_XML_ELEMENTS)
      fail(new EInvoiceError('too_large', `XML of more than ${MAX_XML_ELEMENTS} elements: not an invoice`));
    if (stack.length >= MAX_XML_DEPTH)
      fail(new EInvoiceError('corrupt', `XML nested more than ${MAX_XML_DEPTH} levels deep: not an invoice`));
  });
  parser.on('attribute', () => {
    if (++attributes > MAX_XML_ATTRIBUTES)
      fail(new EInvoiceError('too_large', `XML of more than ${MAX_XML_ATTRIBUTES} attributes: not an invoice`));
  });
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
