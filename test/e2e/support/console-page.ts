import type { Page } from 'playwright-core';

/**
 * How the end-to-end test and `npm run bench:console` know a console page is usable: its title is shown and nothing
 * in it is loading any more (the Async component marks a loading block `aria-busy`).
 */
export async function openConsolePage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('#page-title').waitFor();
  await settled(page);
}

/** Waits until nothing on the page is loading any more. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    return doc.querySelector('main [aria-busy="true"]') === null;
  });
}
