import type { ComponentChildren } from 'preact';
import { ok } from '../api/client';
import { date } from '../format';
import { stepName, t } from '../i18n';
import { Async, Link, Page, useApp, useData } from '../ui';

const invoicePath = (invoiceId: string) => `/factures/${encodeURIComponent(invoiceId)}`;

function Section(props: { title: string; count: number; children: ComponentChildren }) {
  if (props.count === 0) return null;
  return (
    <section class="card" aria-label={props.title}>
      <h2>
        {props.title} <span class="badge">{props.count}</span>
      </h2>
      <ul class="lines">{props.children}</ul>
    </section>
  );
}

export function TodayPage() {
  const { api } = useApp();
  const m = t().today;
  const state = useData(async () => ok(await api.GET('/console/today')), []);
  return (
    <Page title={m.title}>
      <p class="intro">{m.intro}</p>
      <Async state={state}>
        {(d) => {
          const total =
            d.approvals.length +
            d.disputes.length +
            d.promisesDue.length +
            d.bounces.length +
            d.failedWorkflows.length +
            d.rejectedStatements.length +
            d.missingRates.length;
          const reviewCount = d.review.suggested + d.review.unmatched;
          return (
            <div class="grid">
              <section class="card" aria-label={t().nav.review}>
                <h2>
                  {t().nav.review} <span class="badge">{reviewCount}</span>
                </h2>
                <p>{m.review(d.review.suggested, d.review.unmatched, d.review.more)}</p>
                {reviewCount > 0 && <Link href="/rapprochement">{m.openReview}</Link>}
              </section>
              <Section title={m.approvals} count={d.approvals.length}>
                {d.approvals.map((a) => (
                  <li key={a.invoiceId}>
                    <Link href={invoicePath(a.invoiceId)}>{a.invoiceId}</Link> — {a.customerId}, {stepName(a.stepId)}
                  </li>
                ))}
              </Section>
              <Section title={m.disputes} count={d.disputes.length}>
                {d.disputes.map((a) => (
                  <li key={a.invoiceId}>
                    <Link href={invoicePath(a.invoiceId)}>{a.invoiceId}</Link> — {a.customerId}{' '}
                    {a.note ? `: ${a.note}` : ''}
                  </li>
                ))}
              </Section>
              <Section title={m.promisesDue} count={d.promisesDue.length}>
                {d.promisesDue.map((a) => (
                  <li key={a.invoiceId}>
                    <Link href={invoicePath(a.invoiceId)}>{a.invoiceId}</Link> — {a.customerId},{' '}
                    {m.until(date(a.until))}
                  </li>
                ))}
              </Section>
              <Section title={m.bounces} count={d.bounces.length}>
                {d.bounces.map((b) => (
                  <li key={`${b.customerId}${b.email}`}>
                    <Link href={`/clients/${encodeURIComponent(b.customerId)}`}>{b.customerName}</Link> — {b.email} (
                    {date(b.at)})
                  </li>
                ))}
              </Section>
              <Section title={m.failedWorkflows} count={d.failedWorkflows.length}>
                {d.failedWorkflows.map((f) => (
                  <li key={f.invoiceId}>
                    <Link href={`/factures/${encodeURIComponent(f.invoiceId)}`}>{f.invoiceId}</Link> —{' '}
                    <span title={f.error}>{m.workflowError}</span> ({date(f.at)})
                  </li>
                ))}
              </Section>
              <Section title={m.rejectedStatements} count={d.rejectedStatements.length}>
                {d.rejectedStatements.map((s) => (
                  <li key={s.checksum}>
                    <Link href="/releves">{s.sourceKey.split('/').at(-1)}</Link> —{' '}
                    <span title={s.message}>
                      {(s.code && t().statements.errors[s.code]) || s.message || s.code || ''}
                    </span>
                  </li>
                ))}
              </Section>
              <Section title={m.missingRates} count={d.missingRates.length}>
                {d.missingRates.map((r) => (
                  <li key={r.half}>
                    <Link href="/parametres">{m.missingRate(r.half, r.ecbMro, r.legalRate)}</Link>
                  </li>
                ))}
              </Section>
              {total === 0 && reviewCount === 0 && <p>{t().none}</p>}
            </div>
          );
        }}
      </Async>
    </Page>
  );
}
