import { readCii } from './cii';
import { EInvoiceError } from './errors';
import { extractInvoiceXml } from './factur-x';
import type { EInvoice } from './model';
import { readUbl } from './ubl';
import { parseXml } from './xml';

/** What kind of content a file holds, from its first bytes: a PDF, XML, or something else. */
export function sniffEInvoice(bytes: Uint8Array): 'pdf' | 'xml' | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  const start = head.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '').trimStart();
  return start.startsWith('<') ? 'xml' : undefined;
}

/**
 * The single-byte encodings a declaration may name, each decoded as itself (a windows-1252 "’" is 0x92, an
 * ISO-8859-15 "€" is 0xA4). ISO-8859-1 is read as windows-1252, as the WHATWG Encoding standard does: its 0x80-0x9F
 * are control characters no invoice holds, and files declared ISO-8859-1 are written on Windows.
 */
const SINGLE_BYTE_ENCODINGS: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  latin9: 'iso-8859-15',
};

/** XML bytes as text: UTF-8 (the only encoding EN 16931 syntaxes use), or the single-byte one the declaration says. */
function decodeXml(bytes: Uint8Array): string {
  const declaration = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(
    Buffer.from(bytes.subarray(0, 200)).toString('latin1'),
  );
  const encoding = (declaration?.[1] ?? 'utf-8').toLowerCase();
  const singleByte = SINGLE_BYTE_ENCODINGS[encoding];
  if (singleByte) return new TextDecoder(singleByte).decode(bytes);
  if (encoding !== 'utf-8' && encoding !== 'utf8')
    throw new EInvoiceError('unsupported', `XML encoding ${encoding} (UTF-8 expected)`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EInvoiceError('corrupt', 'XML: not valid UTF-8');
  }
}

/** Reads an e-invoice XML (CII or UBL 2.1), telling how it came. */
export function readInvoiceXml(text: string, container: EInvoice['container'] = { kind: 'xml' }): EInvoice {
  const { root, namespace } = parseXml(text);
  if (root.name === 'CrossIndustryInvoice') return readCii(root, container);
  if (
    (root.name === 'Invoice' || root.name === 'CreditNote') &&
    /urn:oasis:names:specification:ubl:schema:xsd:(Invoice|CreditNote)-2/.test(namespace)
  )
    return readUbl(root, container);
  if (root.name === 'CrossIndustryDocument')
    throw new EInvoiceError(
      'unsupported',
      'ZUGFeRD 1.0 (CrossIndustryDocument) is not read: ask for Factur-X / ZUGFeRD 2',
    );
  if (root.name === 'Invoice' || root.name === 'CreditNote')
    throw new EInvoiceError('not_an_invoice', `<${root.name}> in namespace "${namespace}" is not UBL 2.1`);
  throw new EInvoiceError(
    'not_an_invoice',
    `<${root.name}> is neither a CII CrossIndustryInvoice nor a UBL Invoice/CreditNote`,
  );
}

/**
 * Any file to an e-invoice or an EInvoiceError with its reason: a Factur-X/ZUGFeRD PDF (its embedded XML is read),
 * a CII XML or a UBL 2.1 Invoice/CreditNote. Never throws anything else.
 */
export async function readEInvoice(bytes: Uint8Array): Promise<EInvoice> {
  try {
    if (bytes.length === 0) throw new EInvoiceError('empty', 'empty file');
    const kind = sniffEInvoice(bytes);
    if (kind === 'pdf') {
      const xml = await extractInvoiceXml(bytes);
      return readInvoiceXml(decodeXml(xml.bytes), { kind: 'factur-x', attachment: xml.name });
    }
    if (kind === 'xml') return readInvoiceXml(decodeXml(bytes));
    throw new EInvoiceError('not_an_invoice', 'neither a PDF nor XML: not an e-invoice');
  } catch (err) {
    if (err instanceof EInvoiceError) throw err;
    throw new EInvoiceError('corrupt', `unreadable: ${(err as Error)?.message ?? String(err)}`);
  }
}
