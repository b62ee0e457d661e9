import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/adapters/aws-clients';
import { startDailySweeps } from './daily';
import { demoData, demoStatement, seedDemo } from './demo';
import type { Email } from './ses';
import type { LocalStack } from './stack';

/**
 * The story `npm start` tells, as chapters checked against what the local stack holds. The story is over when every
 * chapter happened; bin/local.ts then prints the summary and stops policy time.
 *
 * A later chapter (for instance a customer who contests an invoice through the customer page) is one more entry in
 * `chapters`, with the demo data it needs in demo.ts.
 */
export interface StoryFacts {
  items: Record<string, unknown>[];
  emails: Email[];
}

export interface Chapter {
  id: string;
  /** What the reader of the terminal sees once it happened. */
  title: string;
  happened(f: StoryFacts): boolean;
}

const ofType = (f: StoryFacts, type: string) => f.items.filter((i) => i.type === type);
const invoice = (f: StoryFacts, id: string) => f.items.find((i) => i.type === 'invoice' && i.invoiceId === id);
const messages = (f: StoryFacts, kind: string) => ofType(f, 'message').filter((m) => m.kind === kind);

export const chapters: Chapter[] = [
  {
    id: 'grouped-reminder',
    title: 'Boulangerie Martin reçoit UN e-mail de relance pour toutes ses factures en retard (relance groupée)',
    happened: (f) => messages(f, 'reminder').some((m) => (m.invoiceIds as string[]).length >= 2),
  },
  {
    id: 'statement-reconciled',
    title: 'le relevé bancaire est lettré : F-2025-0117 payée, ses relances s’arrêtent',
    happened: (f) =>
      invoice(f, 'F-2025-0117')?.status === 'paid' &&
      f.items.some((i) => i.type === 'workflow' && i.invoiceId === 'F-2025-0117' && i.running === false),
  },
  {
    id: 'partial-payment',
    title: 'Garage Leroy paie un acompte : F-2025-0131 partiellement payée, les relances portent sur le reste dû',
    happened: (f) => invoice(f, 'F-2025-0131')?.status === 'partially_paid',
  },
  {
    id: 'formal-notice',
    title: 'une mise en demeure part (PDF joint, à poster en recommandé)',
    happened: (f) => messages(f, 'formal_notice').length > 0,
  },
  {
    id: 'agency-handoff',
    title: 'un dossier est remis à l’agence de recouvrement (dossier PDF)',
    happened: (f) => ofType(f, 'agency_case').length > 0,
  },
  {
    id: 'decision-needed',
    title:
      'F-2025-0108 (96 €, sous le minimum de l’agence) : relances terminées, tâche « à traiter » envoyée à la ' +
      'comptabilité',
    happened: (f) => Boolean(invoice(f, 'F-2025-0108')?.decisionNeeded),
  },
  // Later chapters go here (e.g. issue #15: a demo customer contests an invoice through the customer page).
];

export async function readFacts(tableName: string, sentEmails: () => Promise<Email[]>): Promise<StoryFacts> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { items, emails: await sentEmails() };
}

export const chaptersLeft = (f: StoryFacts) => chapters.filter((c) => !c.happened(f));

/** What happened, in figures (the end-of-story summary). */
export function storySummary(f: StoryFacts) {
  const isDigest = (e: Email) => /synthèse des relances|dunning digest/.test(e.subject);
  return {
    mails: f.emails.length,
    digests: f.emails.filter(isDigest).length,
    reminders: messages(f, 'reminder').length,
    callTasks: messages(f, 'call').length,
    statements: ofType(f, 'statement').length,
    matches: ofType(f, 'allocation').length,
    notices: messages(f, 'formal_notice').length,
    handoffs: ofType(f, 'agency_case').length,
    decisionsNeeded: ofType(f, 'invoice').filter((i) => i.decisionNeeded).length,
  };
}

export function summaryLines(
  f: StoryFacts,
  where: { sesInbox: string; sesStore: string; console?: string; documentsDir: string },
): string[] {
  const s = storySummary(f);
  return [
    'The story is over. What happened:',
    ...chapters.map((c) => `  ${c.happened(f) ? '✓' : '✗'} ${c.title}`),
    `  ${s.mails} e-mails (${s.reminders} relances, ${s.notices} mises en demeure, ${s.callTasks} appels à passer, ` +
      `${s.digests} synthèses pour la comptabilité),` +
      ` ${s.statements} relevé(s), ${s.matches} lettrage(s), ${s.handoffs} remise(s) à l’agence, ` +
      `${s.decisionsNeeded} facture(s) en attente de décision`,
    'Where to look:',
    `  e-mails (SES web inbox)   ${where.sesInbox}   (raw JSON: ${where.sesStore})`,
    ...(where.console ? [`  finance console           ${where.console}`] : []),
    `  letters and case files    ${where.documentsDir}   (copied from the documents bucket: letters/, case-files/)`,
    'Policy time is stopped. Ctrl-C stops everything (npm start -- --keep-running lets the clock run on).',
  ];
}

/**
 * Copies the documents bucket (letters/, case-files/) and every e-mail's HTML into `dir`, for reading and the README
 * images.
 */
export async function exportDocuments(s3: S3Client, bucket: string, emails: Email[], dir: string): Promise<void> {
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    for (const o of page.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      const file = path.join(dir, ...o.Key!.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, await body.Body!.transformToByteArray());
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  await mkdir(path.join(dir, 'emails'), { recursive: true });
  await Promise.all(
    emails.map((e, i) => {
      const name = `${String(i + 1).padStart(3, '0')}-${e.subject.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 80)}.html`;
      return writeFile(path.join(dir, 'emails', name), e.body.html ?? `<pre>${e.body.text ?? ''}</pre>`);
    }),
  );
}

/** The story ends in about a minute; on a loaded machine it is given this long (real time) before the summary. */
export const STORY_TIMEOUT_MS = 180_000;

/**
 * Tells each chapter as it happens; when all did (or after `timeoutMs` real), calls `end` (which may stop the clock),
 * lets the last mails arrive and resolves with the final facts (undefined when the stack is stopping).
 */
export async function followStory(
  s: Pick<LocalStack, 'env' | 'sentEmails'>,
  o: { log: (line: string) => void; isStopping: () => boolean; end: () => Promise<void>; timeoutMs?: number },
): Promise<StoryFacts | undefined> {
  const told = new Set<string>();
  const timeoutMs = o.timeoutMs ?? STORY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (o.isStopping()) return undefined;
    const facts = await readFacts(s.env.TABLE_NAME, () => s.sentEmails()).catch(() => undefined);
    if (!facts) continue;
    for (const c of chapters) {
      if (!told.has(c.id) && c.happened(facts)) {
        told.add(c.id);
        o.log(`story: ✓ ${c.title}`);
      }
    }
    const left = chaptersLeft(facts);
    if (left.length > 0 && Date.now() < deadline) continue;
    if (left.length > 0)
      o.log(`story: not everything happened within ${timeoutMs / 1000} s (load?): ${left.map((c) => c.id).join(', ')}`);
    await o.end();
    // The last chapter's mails are on their way: a moment for them to reach the local SES.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return readFacts(s.env.TABLE_NAME, () => s.sentEmails());
  }
}

/**
 * Plays the demo's story on a started stack (the same as `npm start`, without the terminal): seeds the demo data at
 * the stack's policy time (which should be DEMO_START_DAY), runs the daily sweeps, puts the demo statement, follows
 * the story and stops policy time at its end. Resolves with what happened.
 */
export async function playStory(
  s: LocalStack,
  o: { log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<StoryFacts> {
  const log = o.log ?? (() => undefined);
  let over = false;
  const release = s.holdClock();
  await seedDemo(demoData(s.clock.now()), s.env.TABLE_NAME);
  await startDailySweeps(s, { log, stopped: () => over });
  release();
  const st = demoStatement(s.clock.now());
  await s.putStatement(`inbox/${st.name}`, Buffer.from(st.content, 'latin1'));
  const end = async () => {
    over = true;
    await s.stopClock();
  };
  return (await followStory(s, { log, isStopping: () => false, end, timeoutMs: o.timeoutMs }))!;
}
