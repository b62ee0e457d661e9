import { randomUUID } from 'node:crypto';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { ses } from './aws-clients';
import { readEnv, settings } from './config';
import { correlationId } from './logger';

/**
 * Sends e-mail through SES v2: a simple HTML + text message, or a raw MIME message when there are attachments
 * (formal-notice PDFs). Every message goes through the configuration set (delivery/bounce/complaint/open events).
 * Throttling and transient SES faults are thrown as errors named 'Throttled' so the state machine's Retry catches them;
 * permanent refusals (message rejected, unverified sender) are thrown as they are.
 */

export interface Attachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** An inline image the HTML shows with <img src="cid:...">: sent in a multipart/related part with this Content-ID. */
  contentId?: string;
}

export interface OutgoingEmail {
  to: string[];
  cc?: string[];
  replyTo?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: Attachment[];
  /** SES message tags (letters, digits, _ - only), e.g. {kind: 'reminder'}. */
  tags?: Record<string, string>;
}

export class ThrottledError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'Throttled';
  }
}

/** Refusals after which SES surely did not accept the message (throttled before queuing, connection never made). */
const definitelyNotSent = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
  'ECONNREFUSED',
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
]);

/**
 * Could SES have accepted the message although the call failed? Yes after a timeout, a dropped connection or a 5xx
 * (the request may have been processed); no after a throttling answer or a 4xx refusal.
 */
export function sesOutcomeUnknown(err: unknown): boolean {
  const e = (err instanceof ThrottledError ? err.cause : err) as
    | { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }
    | undefined;
  if (!e) return false;
  if (definitelyNotSent.has(e.name ?? '') || definitelyNotSent.has(e.code ?? '')) return false;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500) return false;
  return true;
}

const transientSes = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
]);

/** Is it worth retrying the same send later (throttling, 5xx, network)? */
export function isTransientSesError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (!e) return false;
  if (transientSes.has(e.name ?? '') || transientSes.has(e.code ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  return (status !== undefined && status >= 500) || Boolean(e.$retryable);
}

let env: { SENDER_EMAIL: string; SES_CONFIGURATION_SET?: string } | undefined;
function mailEnv() {
  env ??= readEnv({ SENDER_EMAIL: settings.SENDER_EMAIL, SES_CONFIGURATION_SET: settings.SES_CONFIGURATION_SET });
  return env;
}
export function resetMailerEnv(): void {
  env = undefined;
}

const tagValue = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/);

export async function sendEmail(email: OutgoingEmail): Promise<{ messageId: string }> {
  const { SENDER_EMAIL, SES_CONFIGURATION_SET } = mailEnv();
  // The correlation id of the work sending it (a statement, a request, a workflow) rides along as the tag
  // `correlation`.
  const correlation = correlationId()?.replace(/[^A-Za-z0-9_-]/g, '-');
  const tags = Object.entries({ ...(correlation ? { correlation } : {}), ...email.tags })
    .filter(([k, v]) => tagValue.safeParse(k).success && tagValue.safeParse(v).success)
    .map(([Name, Value]) => ({ Name, Value }));
  // Files to download need the raw MIME; inline images alone (the EPC QR code) go in a Simple message's Attachments.
  const inlineOnly = (email.attachments ?? []).every((a) => a.contentId);
  const content = !inlineOnly
    ? { Raw: { Data: buildMime(SENDER_EMAIL, email) } }
    : {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          ...(email.attachments?.length
            ? {
                Attachments: email.attachments.map((a) => ({
                  FileName: a.filename,
                  ContentType: a.contentType,
                  RawContent: a.content,
                  ContentDisposition: 'INLINE' as const,
                  ContentId: a.contentId,
                  ContentTransferEncoding: 'BASE64' as const,
                })),
              }
            : {}),
        },
      };
  try {
    const res = await ses().send(
      new SendEmailCommand({
        FromEmailAddress: SENDER_EMAIL,
        Destination: { ToAddresses: email.to, CcAddresses: email.cc },
        ReplyToAddresses: email.replyTo,
        Content: content,
        ConfigurationSetName: SES_CONFIGURATION_SET,
        EmailTags: tags.length ? tags : undefined,
      }),
    );
    if (!res.MessageId) throw new Error('SES returned no MessageId');
    return { messageId: res.MessageId };
  } catch (err) {
    if (isTransientSesError(err)) throw new ThrottledError(`SES send failed transiently: ${(err as Error).name}`, err);
    throw err;
  }
}

// --- raw MIME ------------------------------------------------------------------------------------------------------

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(data: Uint8Array | string): string {
  const b64 = Buffer.from(data).toString('base64');
  return b64.replace(/.{1,76}/g, '$&\r\n');
}

/** The HTML, alone or (with inline images) as multipart/related { html, image... } (RFC 2387). */
function htmlPart(email: OutgoingEmail): string[] {
  const html = [
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
  ];
  const inline = (email.attachments ?? []).filter((a) => a.contentId);
  if (inline.length === 0) return html;
  const related = `rel-${randomUUID()}`;
  const lines = [`Content-Type: multipart/related; boundary="${related}"`, '', `--${related}`, ...html];
  for (const a of inline) {
    const name = a.filename.replace(/["\\\r\n]/g, '_');
    const cid = (a.contentId as string).replace(/[<>\r\n]/g, '');
    lines.push(
      `--${related}`,
      `Content-Type: ${a.contentType}; name="${name}"`,
      `Content-ID: <${cid}>`,
      `Content-Disposition: inline; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(a.content),
    );
  }
  lines.push(`--${related}--`);
  return lines;
}

/**
 * multipart/mixed { multipart/alternative { text, html or multipart/related { html, inline images } }, attachment... }
 */
export function buildMime(from: string, email: OutgoingEmail): Uint8Array {
  const mixed = `mixed-${randomUUID()}`;
  const alt = `alt-${randomUUID()}`;
  const lines: string[] = [
    `From: ${from}`,
    `To: ${email.to.join(', ')}`,
    ...(email.cc?.length ? [`Cc: ${email.cc.join(', ')}`] : []),
    ...(email.replyTo?.length ? [`Reply-To: ${email.replyTo.join(', ')}`] : []),
    `Subject: ${encodeHeader(email.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alt}"`,
    '',
    `--${alt}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${alt}`,
    ...htmlPart(email),
    `--${alt}--`,
  ];
  for (const a of (email.attachments ?? []).filter((x) => !x.contentId)) {
    const name = a.filename.replace(/["\\\r\n]/g, '_');
    lines.push(
      `--${mixed}`,
      `Content-Type: ${a.contentType}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(a.content),
    );
  }
  lines.push(`--${mixed}--`, '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
