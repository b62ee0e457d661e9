import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from './aws-clients';
import { readEnv, settings } from './config';

/**
 * The documents bucket: formal-notice PDFs, agency case files (JSON + PDF), the books exports (books/), and
 * time-limited links to them (SigV4 query-string presigning by @aws-sdk/s3-request-presigner).
 */

function bucket(): string {
  return readEnv({ DOCUMENTS_BUCKET: settings.DOCUMENTS_BUCKET }).DOCUMENTS_BUCKET;
}

export async function putDocument(
  key: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<{ bucket: string; key: string }> {
  const b = bucket();
  await s3().send(
    new PutObjectCommand({
      Bucket: b,
      Key: key,
      Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      ContentType: contentType,
    }),
  );
  return { bucket: b, key };
}

export async function getDocument(key: string): Promise<Uint8Array> {
  const res = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  return res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
}

/** Where the letters of an invoice live. */
export const documentKeys = {
  formalNotice: (invoiceId: string, date: string) => `letters/${safe(invoiceId)}/formal-notice-${date}.pdf`,
  caseFileJson: (invoiceId: string, date: string) => `case-files/${safe(invoiceId)}/${date}/case-file.json`,
  caseFilePdf: (invoiceId: string, date: string) => `case-files/${safe(invoiceId)}/${date}/case-file.pdf`,
};
function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * A GET link to a document, valid `expiresInSeconds` (1 s .. 7 days) from `signedAt`. S3 checks expiry against
 * its own clock, so the signature date is the wall clock (default), never the local stack's compressed policy time.
 *
 * LIMIT (honest): a presigned URL is only valid while the credentials that signed it are. In Lambda these are the
 * role's temporary session credentials (STS, a few hours, renewed by the runtime): the link stops working when THAT
 * session expires, whatever `expiresInSeconds` says. A customer opening a reminder link the next morning, or the
 * agency opening its case file days later, may get 403 ExpiredToken. Production would sign with long-lived
 * credentials meant for it: a dedicated IAM user allowed only s3:GetObject on the documents bucket, its access key
 * kept in Secrets Manager (and rotated), or serve documents through CloudFront with signed URLs (key pair in Secrets
 * Manager, bucket behind Origin Access Control). Neither is built here.
 */
export async function presignedLink(
  key: string,
  expiresInSeconds: number,
  signedAt: Date = new Date(),
  /** `attachment`: the browser downloads the file rather than showing it (a file a customer sent). */
  options: { attachment?: boolean } = {},
): Promise<string> {
  const expiresIn = Math.max(1, Math.min(604_800, Math.floor(expiresInSeconds)));
  const disposition = options.attachment
    ? { ResponseContentDisposition: `attachment; filename="${safe(key.split('/').at(-1) ?? '')}"` }
    : {};
  return getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket(), Key: key, ...disposition }), {
    expiresIn,
    signingDate: signedAt,
  });
}
