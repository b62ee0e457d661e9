import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFString,
} from 'pdf-lib';
import { EInvoiceError } from './errors';
import { MAX_XML_BYTES } from './xml';

/**
 * The names a Factur-X / ZUGFeRD / XRechnung PDF gives its invoice XML (compared without case: some writers vary it).
 */
export const INVOICE_ATTACHMENT_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'];
/** Name trees nest; a hostile file could nest or loop them without end. */
const MAX_TREE_NODES = 10_000;

export interface Attachment {
  name: string;
  bytes: Uint8Array;
}

/**
 * The invoice XML a Factur-X (PDF/A-3) carries: the file specification named factur-x.xml (or zugferd-invoice.xml,
 * xrechnung.xml) in the catalog's EmbeddedFiles name tree, else in its associated files (/AF). The stream is inflated
 * with node:zlib (FlateDecode) or taken as is (no filter); any other filter is refused.
 */
export async function extractInvoiceXml(pdf: Uint8Array): Promise<Attachment> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: false, ignoreEncryption: false });
  } catch (err) {
    const name = (err as Error).name ?? '';
    if (/Encrypted/i.test(name) || /encrypted/i.test((err as Error).message))
      throw new EInvoiceError('unsupported', 'the PDF is encrypted');
    throw new EInvoiceError('corrupt', `PDF: ${(err as Error).message}`);
  }
  const specs = [...embeddedFiles(doc), ...associatedFiles(doc)];
  const invoices = specs.filter((s) => INVOICE_ATTACHMENT_NAMES.includes(s.name.toLowerCase()));
  const found = invoices[0];
  if (!found) {
    const names = [...new Set(specs.map((s) => s.name))];
    throw new EInvoiceError(
      'no_invoice_attachment',
      `a PDF without a factur-x.xml attachment ` +
        `(${names.length ? `attachments: ${names.join(', ')}` : 'no attachment'}): not a Factur-X invoice`,
    );
  }
  const bytes = streamBytes(found.stream, found.name);
  // The same file is listed twice (name tree and /AF) or under two names: fine. Two different invoices are not.
  const streams = new Set([found.stream]);
  for (const other of invoices) {
    if (streams.has(other.stream)) continue;
    streams.add(other.stream);
    if (!Buffer.from(streamBytes(other.stream, other.name)).equals(bytes))
      throw new EInvoiceError(
        'ambiguous',
        `the PDF carries two different invoice XMLs (${found.name}, ${other.name}): which one is the invoice?`,
      );
  }
  return { name: found.name, bytes };
}

interface FileSpec {
  name: string;
  stream: PDFRawStream;
}

function lookup(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function textOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

function fileSpec(doc: PDFDocument, obj: PDFObject | undefined, treeKey?: string): FileSpec | undefined {
  const spec = lookup(doc, obj);
  if (!(spec instanceof PDFDict)) return undefined;
  const ef = lookup(doc, spec.get(PDFName.of('EF')));
  if (!(ef instanceof PDFDict)) return undefined;
  const stream = lookup(doc, ef.get(PDFName.of('F')) ?? ef.get(PDFName.of('UF')));
  if (!(stream instanceof PDFRawStream)) return undefined;
  const name =
    textOf(lookup(doc, spec.get(PDFName.of('UF')))) ?? textOf(lookup(doc, spec.get(PDFName.of('F')))) ?? treeKey ?? '';
  return { name: name.replace(/^.*[\\/]/, ''), stream };
}

/** Walks the EmbeddedFiles name tree (Names pairs, Kids), guarded against loops. */
function embeddedFiles(doc: PDFDocument): FileSpec[] {
  const names = lookup(doc, doc.catalog.get(PDFName.of('Names')));
  if (!(names instanceof PDFDict)) return [];
  const out: FileSpec[] = [];
  const seen = new Set<PDFObject>();
  const queue: PDFObject[] = [lookup(doc, names.get(PDFName.of('EmbeddedFiles'))) ?? PDFName.of('None')];
  while (queue.length > 0 && seen.size < MAX_TREE_NODES) {
    const node = queue.shift() as PDFObject;
    if (!(node instanceof PDFDict) || seen.has(node)) continue;
    seen.add(node);
    const pairs = lookup(doc, node.get(PDFName.of('Names')));
    if (pairs instanceof PDFArray) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) {
        const spec = fileSpec(doc, pairs.get(i + 1), textOf(lookup(doc, pairs.get(i))));
        if (spec) out.push(spec);
      }
    }
    const kids = lookup(doc, node.get(PDFName.of('Kids')));
    if (kids instanceof PDFArray)
      for (let i = 0; i < kids.size(); i++) queue.push(lookup(doc, kids.get(i)) as PDFObject);
  }
  return out;
}

/** PDF/A-3 associated files of the catalog (where a Factur-X must also list its XML). */
function associatedFiles(doc: PDFDocument): FileSpec[] {
  const af = lookup(doc, doc.catalog.get(PDFName.of('AF')));
  if (!(af instanceof PDFArray)) return [];
  return af.asArray().flatMap((o) => fileSpec(doc, o) ?? []);
}

function filters(doc: PDFRawStream): string[] {
  const f = doc.dict.get(PDFName.of('Filter'));
  const resolved = f instanceof PDFRef ? doc.dict.context.lookup(f) : f;
  if (resolved instanceof PDFName) return [resolved.asString()];
  if (resolved instanceof PDFArray)
    return resolved.asArray().map((x) => (x instanceof PDFName ? x.asString() : String(x)));
  return [];
}

function streamBytes(stream: PDFRawStream, name: string): Uint8Array {
  let bytes: Uint8Array = stream.contents;
  for (const filter of filters(stream)) {
    if (filter !== '/FlateDecode' && filter !== '/Fl')
      throw new EInvoiceError('unsupported', `${name} is encoded with ${filter}; only FlateDecode is read`);
    const parms = stream.dict.get(PDFName.of('DecodeParms'));
    const predictor = parms instanceof PDFDict ? parms.get(PDFName.of('Predictor')) : undefined;
    if (predictor !== undefined && predictor.toString() !== '1')
      throw new EInvoiceError(
        'unsupported',
        `${name} uses a FlateDecode predictor, which an XML attachment never needs`,
      );
    try {
      bytes = inflateSync(bytes, { maxOutputLength: MAX_XML_BYTES });
    } catch (err) {
      const tooLarge = /maxOutputLength|buffer/i.test((err as Error).message);
      throw new EInvoiceError(
        tooLarge ? 'too_large' : 'corrupt',
        tooLarge
          ? `${name} inflates to more than ${MAX_XML_BYTES} bytes`
          : `${name}: the compressed stream is damaged (${(err as Error).message})`,
      );
    }
  }
  return bytes;
}
