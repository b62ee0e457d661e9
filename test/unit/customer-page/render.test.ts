import { describe, expect, it } from 'vitest';
import {
  type CustomerPageData,
  LEVEL_LABELS,
  pageLanguage,
  renderCustomerPage,
  renderRefusedPage,
  STRINGS,
} from '../../../functions/core/customer-page';
import { LINK_REFUSED, signCustomerLink, verifyCustomerLink } from '../../../functions/core/payments/customer-link';
import { epcPayload } from '../../../functions/core/payments/epc-qr';
import { qrSvg } from '../../../functions/core/payments/qr-image';

const KEY = 'k'.repeat(32);

async function pageData(language: 'fr' | 'en', customerName = 'Boulangerie Martin'): Promise<CustomerPageData> {
  const payload = epcPayload({
    beneficiaryName: 'Atelier Dupont',
    iban: 'FR7630006000011234567890189',
    bic: 'AGRIFRPP',
    amountCents: 1_357_90,
    creditorReference: 'RF97F2024001',
  });
  return {
    language,
    today: '2026-12-06',
    customerName,
    creditor: {
      name: 'Atelier Dupont',
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPP',
      email: 'compta@dupont.example',
      phone: '+33 1 23 45 67 89',
    },
    invoices: [
      {
        number: 'F2024-001',
        issueDate: '2026-09-01',
        dueDate: '2026-10-01',
        openCents: 123_456,
        currency: 'EUR',
        level: 'formal_notice',
        penaltiesCents: 8_334,
        indemnityCents: 4_000,
        pdfUrl: 'https://files.example/F2024-001.pdf',
      },
      {
        number: 'F2024-007',
        issueDate: '2026-11-02',
        dueDate: '2026-12-02',
        openCents: 9_000,
        currency: 'EUR',
        level: 'courtesy',
      },
    ],
    transfer: { qrSvg: await qrSvg(payload), amountCents: 1_357_90, reference: 'RF97F2024001' },
    formToken: 'tok_AAAA',
    actions: { paid: './paid', dispute: './dispute', promise: './promise' },
    pageUrl: '/c/tok',
    latestPromiseDate: '2027-01-05',
  };
}

/** The visible text of a page: tags, the SVG and attribute values dropped, entities of our escaper read back. */
function visibleText(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe("the customer's page", () => {
  it(
    'shows the open invoices with dates, amounts in euros, the stage reached, penalties and indemnity ' + '(French)',
    async () => {
      const html = renderCustomerPage(await pageData('fr'));
      const text = visibleText(html);
      for (const s of [
        'F2024-001',
        '01/09/2026',
        '01/10/2026',
        '1\u202f234,56\u00a0€',
        'Mise en demeure',
        '83,34\u00a0€',
        '40,00\u00a0€',
        'Rappel avant échéance',
        '90,00\u00a0€',
      ]) {
        expect(text, s).toContain(s);
      }
      // total owed: 1 234,56 + 83,34 + 40,00 + 90,00
      expect(text).toContain('Total dû\u00a0: 1\u202f447,90\u00a0€');
      expect(html).toContain('<a href="https://files.example/F2024-001.pdf">Télécharger</a>');
    },
  );

  it('shows the same in English, dates and amounts written the English way', async () => {
    const text = visibleText(renderCustomerPage(await pageData('en')));
    for (const s of [
      '1 Sep 2026',
      '1 Oct 2026',
      '€1,234.56',
      'Formal notice',
      '€83.34',
      '€40.00',
      'Total owed: €1,447.90',
      'FR76 3000 6000 0112 3456 7890 189',
      'RF97 F202 4001',
    ]) {
      expect(text, s).toContain(s);
    }
  });

  it('titles one invoice’s payment code in the reader’s word order', async () => {
    const one = async (language: 'fr' | 'en') => {
      const data = await pageData(language);
      return visibleText(renderCustomerPage({ ...data, transfer: { ...data.transfer!, invoice: 'F2024-007' } }));
    };
    expect(await one('fr')).toContain('Payer par virement la facture F2024-007');
    expect(await one('en')).toContain('Pay invoice F2024-007 by bank transfer');
  });

  it('puts the creditor’s IBAN, BIC and the QR code on the page, the SVG as given', async () => {
    const data = await pageData('fr');
    const html = renderCustomerPage(data);
    expect(html).toContain(data.transfer!.qrSvg);
    expect(visibleText(html)).toContain('FR76 3000 6000 0112 3456 7890 189');
    expect(visibleText(html)).toContain('AGRIFRPP');
    expect(visibleText(html)).toContain('RF97 F202 4001');
  });

  it('escapes a customer name, an invoice number and a creditor name carrying markup', async () => {
    const data = await pageData('fr', '<script>alert(1)</script>');
    data.invoices[0].number = '"><img src=x onerror=alert(2)>';
    data.creditor.name = 'Dupont & <b>Fils</b>';
    data.formToken = '"><script>alert(3)</script>';
    data.invoices[1].pdfUrl = 'javascript:alert(4)';
    const html = renderCustomerPage(data);
    expect(html).not.toMatch(/<script|<img|<b>|javascript:/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"');
    expect(html).toContain('Dupont &amp; &lt;b&gt;Fils&lt;/b&gt;');
  });

  it('has no word of the other language, and no amount in raw cents', async () => {
    for (const [lang, other] of [
      ['fr', 'en'],
      ['en', 'fr'],
    ] as const) {
      const text = visibleText(renderCustomerPage(await pageData(lang)));
      const foreign = [...Object.values(STRINGS[other]), ...Object.values(LEVEL_LABELS[other])].filter(
        (s) => !Object.values(STRINGS[lang]).includes(s) && !['Document'].includes(s),
      );
      for (const s of foreign) expect(text, `${lang} page shows "${s}"`).not.toContain(s);
      for (const cents of ['123456', '8334', '4000', '9000', '135790', '144790'])
        expect(text, cents).not.toContain(cents);
    }
  });

  it('carries the anti-forgery value in each of the three forms, which post without JavaScript', async () => {
    const html = renderCustomerPage(await pageData('fr'));
    expect(html.match(/<form method="post"/g)).toHaveLength(3);
    expect(html.match(/<input type="hidden" name="formToken" value="tok_AAAA">/g)).toHaveLength(3);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('name="promisedFor" required min="2026-12-07" max="2027-01-05"');
    expect(html).not.toMatch(/<script|onclick|onsubmit/i);
  });

  it('shows a refused field beside it, in the page’s language', async () => {
    const data = { ...(await pageData('en')), errors: { amount: 'bad_amount' as const } };
    expect(visibleText(renderCustomerPage(data))).toContain('Enter a positive amount, for example 1,234.56.');
  });

  it('fills a refused form with what was posted, escaped', async () => {
    const values = {
      invoiceNumber: 'F2024-007',
      reason: '</textarea><script>alert(1)</script> « livré à moitié »',
      amount: '" autofocus onfocus="x',
      promisedFor: '2026-12-20',
    };
    const html = renderCustomerPage({ ...(await pageData('fr')), values });
    expect(html).toContain('<option value="F2024-007" selected>F2024-007</option>');
    expect(html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; « livré à moitié »</textarea>');
    expect(html).toContain('name="amount" inputmode="decimal" required value="&quot; autofocus onfocus=&quot;x"');
    expect(html).toContain('max="2027-01-05" value="2026-12-20"');
    expect(html).not.toMatch(/<script/i);
  });

  it('says there is nothing to pay, with no forms, when no invoice is open', async () => {
    const html = renderCustomerPage({ ...(await pageData('fr')), invoices: [] });
    expect(visibleText(html)).toContain('Aucune facture ne reste à régler.');
    expect(html).not.toContain('<form');
  });
});

describe('the page for a refused link', () => {
  it('is byte-identical whatever the reason: malformed, forged, wrong key, expired, revoked, another customer', () => {
    const claims = { customerId: 'CUST-42', linkId: 'lnk_0001abcd', expiresAt: '2027-01-05T09:00:00.000Z' };
    const token = signCustomerLink(claims, KEY);
    const base = { keys: [KEY], now: new Date('2026-12-06T09:00:00.000Z'), revokedLinkIds: [] as string[] };
    const checks = [
      verifyCustomerLink('garbage', base),
      verifyCustomerLink(`${token.slice(0, -2)}AA`, base),
      verifyCustomerLink(signCustomerLink(claims, 'w'.repeat(32)), base),
      verifyCustomerLink(token, { ...base, now: new Date('2027-02-01T00:00:00.000Z') }),
      verifyCustomerLink(token, { ...base, revokedLinkIds: ['lnk_0001abcd'] }),
      verifyCustomerLink(token, { ...base, customerId: 'CUST-43' }),
    ];
    const pages = checks.map((c) => (c.ok ? 'opened' : renderRefusedPage('fr')));
    expect(checks.every((c) => c === LINK_REFUSED)).toBe(true);
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain('Lien invalide ou expiré');
    expect(pages[0]).not.toMatch(/CUST|lnk_|expir[ée]+ le|révoqu|revoked/i);
  });

  it('is in English for a browser that prefers English, French otherwise', () => {
    expect(pageLanguage('en-GB,en;q=0.9,fr;q=0.8')).toBe('en');
    expect(pageLanguage('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(pageLanguage('de-DE,en;q=0.5')).toBe('en');
    expect(pageLanguage('de-DE')).toBe('fr');
    expect(pageLanguage(undefined)).toBe('fr');
    expect(renderRefusedPage('en')).toContain('Invalid or expired link');
    expect(renderRefusedPage('en')).not.toContain('Lien');
  });
});
