/**
 * `npm run docs:images`: plays the demo's story on a local stack (as `npm start` does) and renders, with the
 * Chromium of @sparticuz/chromium, the proofs into docs/images/ for the README:
 *   grouped-reminder.png   the grouped reminder e-mail (its HTML, inline QR code drawn from its attachment)
 *   formal-notice.png      the first page of a formal notice (PDF, drawn by pdf.js in the page)
 *   formal-notice-2.png    the formal notice's page that carries the signature (and the payment QR codes)
 *   agency-case-file.png   the first page of the agency case file (PDF)
 * It fails when an image of the reminder does not load, or when the notice's signature is on no page.
 */

import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import chromium from '@sparticuz/chromium';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';
import { DEMO_START_DAY } from '../bin/local/demo';
import { projectRoot } from '../bin/local/handlers';
import type { Email } from '../bin/local/ses';
import { type LocalStack, startLocalStack } from '../bin/local/stack';
import { chaptersLeft, playStory } from '../bin/local/story';
import { cachedTemplate } from '../bin/local/template-cache';
import { creditor } from '../functions/adapters/config';
import { inlineCidImages, type StoredAttachment } from './inline-cid';

const outDir = path.join(projectRoot, 'docs', 'images');
const pdfjsBuild = path.join(projectRoot, 'node_modules', 'pdfjs-dist', 'build');

async function documentBytes(s: LocalStack, prefix: string, suffix: string): Promise<Uint8Array> {
  const s3 = new S3Client({
    endpoint: s.urls.s3,
    region: s.env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const list = await s3.send(new ListObjectsV2Command({ Bucket: s.env.DOCUMENTS_BUCKET, Prefix: prefix }));
  const key = (list.Contents ?? [])
    .map((o) => o.Key!)
    .filter((k) => k.endsWith(suffix))
    .sort()[0];
  if (!key) throw new Error(`no document ${prefix}…${suffix} in the documents bucket`);
  const body = await s3.send(new GetObjectCommand({ Bucket: s.env.DOCUMENTS_BUCKET, Key: key }));
  return body.Body!.transformToByteArray();
}

/** Renders an e-mail's HTML, its cid: images inlined; throws if an image does not load (drawn broken). */
async function renderEmail(page: Page, email: Email, file: string): Promise<void> {
  const { html, missing } = inlineCidImages(email.body.html!, email.attachments as StoredAttachment[]);
  if (missing.length) throw new Error(`the e-mail refers to inline images it does not carry: ${missing.join(', ')}`);
  await page.setViewportSize({ width: 760, height: 600 });
  await page.setContent(html, { waitUntil: 'load' });
  const broken = await page.$$eval('img', (imgs) =>
    imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.alt || i.src.slice(0, 60)),
  );
  if (broken.length) throw new Error(`image(s) of the e-mail did not load: ${broken.join(', ')}`);
  await page.screenshot({ path: file, fullPage: true });
}

/**
 * Draws one page of a PDF with pdf.js in a blank page (file: access allowed for its module and worker): page 1, or
 * with `holding` the first page whose text contains it. Returns the page drawn.
 */
async function renderPdfPage(page: Page, pdf: Uint8Array, file: string, holding?: string): Promise<number> {
  await page.setViewportSize({ width: 900, height: 1200 });
  const blank = path.join(await mkdtemp(path.join(os.tmpdir(), 'encaisse-pdf-')), 'page.html');
  await writeFile(blank, '<html><body style="margin:0;background:#fff"><canvas id="c"></canvas></body></html>');
  await page.goto(pathToFileURL(blank).href);
  const drawn = await page.evaluate(
    async ({ lib, worker, data, holding }) => {
      const pdfjs = await import(lib);
      pdfjs.GlobalWorkerOptions.workerSrc = worker;
      const doc = await pdfjs.getDocument({ data: Uint8Array.from(atob(data), (c) => c.charCodeAt(0)) }).promise;
      let n = 1;
      if (holding) {
        const texts: string[] = [];
        for (let i = 1; i <= doc.numPages; i++) {
          const content = await (await doc.getPage(i)).getTextContent();
          texts.push(content.items.map((t: { str?: string }) => t.str ?? '').join(' '));
        }
        n = texts.findIndex((t) => t.includes(holding)) + 1;
        if (n === 0) return 0;
      }
      const first = await doc.getPage(n);
      const viewport = first.getViewport({ scale: 1.4 });
      // Runs in the page (no DOM types in this project's Node tsconfig).
      const canvas = (
        globalThis as unknown as {
          document: { getElementById(id: string): { width: number; height: number; getContext(kind: '2d'): unknown } };
        }
      ).document.getElementById('c');
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      await first.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
      return n;
    },
    {
      holding,
      lib: pathToFileURL(path.join(pdfjsBuild, 'pdf.min.mjs')).href,
      worker: pathToFileURL(path.join(pdfjsBuild, 'pdf.worker.min.mjs')).href,
      data: Buffer.from(pdf).toString('base64'),
    },
  );
  if (drawn === 0) throw new Error(`no page of the PDF holds "${holding}"`);
  await page.locator('#c').screenshot({ path: file });
  return drawn;
}

async function main() {
  process.env.LOG_LEVEL ??= 'error';
  console.log('docs:images — playing the demo story on a local stack (a minute or two)…');
  const stack = await startLocalStack({
    quiet: true,
    template: cachedTemplate,
    sfnTimeFactor: 172_800,
    startAt: new Date(`${DEMO_START_DAY}T06:00:00.000Z`),
    holdClockWhileWorking: true,
  });
  let browser: Browser | undefined;
  try {
    console.log('  stack started; the story plays…');
    const facts = await playStory(stack, { log: (line) => console.log(`  ${line}`) });
    const left = chaptersLeft(facts);
    if (left.length) throw new Error(`the story did not end: ${left.map((c) => c.id).join(', ')}`);
    // the customer reminder that lists the most invoices (its table has a row per invoice, under « Reste dû »)
    const rows = (html = '') => (html.includes('Reste dû') ? html.split('<tr').length - 2 : 0);
    const grouped = facts.emails
      .filter((e) => !/^\[encaisse\]|synthèse des relances/.test(e.subject) && rows(e.body.html) >= 2)
      .sort((x, y) => rows(y.body.html) - rows(x.body.html))[0];
    if (!grouped) throw new Error('no grouped reminder in the SES store');
    const notice = await documentBytes(stack, 'letters/', '.pdf');
    const caseFile = await documentBytes(stack, 'case-files/', 'case-file.pdf');

    console.log('  story over; rendering…');
    await mkdir(outDir, { recursive: true });
    browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: [...chromium.args, '--allow-file-access-from-files'],
      headless: true,
    });
    // One page for all three: the headless shell runs single-process, closing its last page closes the browser.
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await renderEmail(page, grouped, path.join(outDir, 'grouped-reminder.png'));
    await renderPdfPage(page, notice, path.join(outDir, 'formal-notice.png'));
    // The page signed by the named signatory (the demo's settings): page 2 today, with the payment QR codes.
    const signed = await renderPdfPage(
      page,
      notice,
      path.join(outDir, 'formal-notice-2.png'),
      creditor(stack.env).legal.signatory.name,
    );
    console.log(`  formal notice: signature on page ${signed}`);
    await renderPdfPage(page, caseFile, path.join(outDir, 'agency-case-file.png'));
    for (const f of ['grouped-reminder.png', 'formal-notice.png', 'formal-notice-2.png', 'agency-case-file.png']) {
      console.log(`  docs/images/${f}  ${(await readFile(path.join(outDir, f))).length} bytes`);
    }
  } finally {
    await browser?.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`docs:images failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
