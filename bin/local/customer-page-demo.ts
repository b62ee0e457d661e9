import type { LocalStack } from './stack';

/**
 * The demo's customer-page step: once the Boulangerie's first grouped reminder is in the local SES store, the customer
 * opens its link and contests one invoice through the page's own use case (functions/customer-page): the invoice's
 * dispute pause, its history, finance's alert. The link is printed so anyone can open the page in a browser.
 */
export async function contestThroughThePage(
  stack: LocalStack,
  log: (line: string) => void,
  isStopping: () => boolean,
): Promise<void> {
  const to = 'compta@boulangerie-martin.example.fr';
  const invoiceNumber = 'F-2025-0105';
  const deadline = Date.now() + 120_000;
  let link: string | undefined;
  while (!link && Date.now() < deadline && !isStopping()) {
    const mail = (await stack.sentEmails()).find(
      (e) => e.destination.to.includes(to) && e.body.text?.includes(invoiceNumber),
    );
    link = mail?.body.text && /http:\/\/127\.0\.0\.1:\d+\/c\/[A-Za-z0-9_.-]+/.exec(mail.body.text)?.[0];
    if (!link) await new Promise((r) => setTimeout(r, 500));
  }
  if (!link)
    return log('demo: no reminder with a customer link reached the Boulangerie: the customer-page step is skipped');
  const [{ openLink }, { openDispute }, { liveDeps }, { formTokenFor }] = await Promise.all([
    import('../../functions/customer-page/access'),
    import('../../functions/customer-page/actions'),
    import('../../functions/customer-page/live'),
    import('../../functions/core/payments/customer-link'),
  ]);
  const deps = liveDeps();
  const access = await openLink(link.slice(link.indexOf('/c/') + 3), deps);
  if (!access.ok) return log(`demo: the Boulangerie's link was refused: ${link}`);
  const reason = 'Les 40 baguettes du 12 n’ont pas été livrées.';
  const fields = { formToken: formTokenFor(access.claims.linkId, access.keys[0]), invoiceNumber, reason };
  const result = await openDispute(access, fields, undefined, deps);
  log(
    result.ok
      ? `demo: customer page: Boulangerie Martin contests ${invoiceNumber} ("${reason}"): its reminders stop, ` +
          `finance is alerted. Open the page: ${link}`
      : `demo: customer page: the dispute was refused: ${JSON.stringify(result.errors)}`,
  );
}
