/**
 * An e-mail's HTML shows its inline images (the SEPA QR code) with `cid:` references to parts of the message; a
 * browser given the HTML alone draws them broken. This rewrites each `cid:` reference into a `data:` URI of the
 * attachment with that Content-ID, as a mail client does, and names the references no attachment answers.
 */

/** An attachment as aws-ses-v2-local stores it (mailparser's fields, the content in base64). */
export interface StoredAttachment {
  content: string;
  contentType: string;
  /** mailparser's Content-ID without its angle brackets */
  cid?: string;
  /** the raw Content-ID header, `<id>` */
  contentId?: string;
}

const idOf = (a: StoredAttachment) => a.cid ?? a.contentId?.trim().replace(/^<|>$/g, '');

export function inlineCidImages(html: string, attachments: StoredAttachment[]): { html: string; missing: string[] } {
  const byId = new Map(attachments.filter((a) => idOf(a)).map((a) => [idOf(a)!, a]));
  const missing: string[] = [];
  const out = html.replace(/\bcid:([^'"\s>]{1,256})/g, (ref, id: string) => {
    const a = byId.get(id) ?? byId.get(decodeURIComponent(id));
    if (!a) {
      missing.push(id);
      return ref;
    }
    return `data:${a.contentType};base64,${a.content}`;
  });
  return { html: out, missing };
}
