import { useState } from 'preact/hooks';
import { type Api, etag, ok } from '../api/client';
import { date, money, parseEuros } from '../format';
import { t } from '../i18n';
import { Async, Link, Page, useAction, useApp, useCanAct, useData } from '../ui';

export function CustomersPage() {
  const { api } = useApp();
  const m = t().customers;
  const state = useData(async () => ok(await api.GET('/customers', { params: { query: { limit: 200 } } })).items, []);
  return (
    <Page title={m.title}>
      <Async state={state}>
        {(items) => (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">{m.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.name}</th>
                  <th scope="col">{m.language}</th>
                  <th scope="col">{m.grouping}</th>
                  <th scope="col">{m.policy}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.customerId}>
                    <td>
                      <Link href={`/clients/${encodeURIComponent(c.customerId)}`}>{c.name}</Link>
                    </td>
                    <td>{m.languages[c.language] ?? c.language}</td>
                    <td>{c.reminderGrouping === 'per_invoice' ? m.perInvoice : m.perCustomer}</td>
                    <td>{c.policyId ?? m.segmentPolicy(c.segment)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </Page>
  );
}

async function loadCustomer(api: Api, customerId: string) {
  const path = { customerId };
  const [customer, score, invoices, policies] = await Promise.all([
    api.GET('/customers/{customerId}', { params: { path } }).then(ok),
    api.GET('/customers/{customerId}/payer-score', { params: { path } }).then(ok),
    api.GET('/invoices', { params: { query: { customerId, limit: 100 } } }).then(ok),
    api.GET('/policies', { params: { query: { limit: 200 } } }).then(ok),
  ]);
  return { customer, score, invoices: invoices.items, policies: policies.items };
}

type Loaded = Awaited<ReturnType<typeof loadCustomer>>;
type Contact = Loaded['customer']['contacts'][number];

/** One contact a line: `e-mail, name` (the role of a contact already known is kept, a new one is billing). */
export function contactsText(contacts: Contact[]): string {
  return contacts.map((c) => (c.name ? `${c.email}, ${c.name}` : c.email)).join('\n');
}

export function parseContacts(text: string, known: Contact[]): Contact[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [email, ...name] = line.split(',').map((s) => s.trim());
      const before = known.find((k) => k.email.toLowerCase() === email.toLowerCase());
      return { ...(before ?? { role: 'billing' as const }), email, name: name.join(', ') || undefined };
    });
}

function EditCustomer(props: { data: Loaded; reload: () => Promise<void> }) {
  const { api } = useApp();
  const m = t().customers;
  const c = props.data.customer;
  const [name, setName] = useState(c.name);
  const [language, setLanguage] = useState(c.language);
  const [grouping, setGrouping] = useState(c.reminderGrouping);
  const [policyId, setPolicyId] = useState(c.policyId ?? '');
  const [limit, setLimit] = useState(c.creditLimitCents === undefined ? '' : (c.creditLimitCents / 100).toFixed(2));
  const [contacts, setContacts] = useState(contactsText(c.contacts));
  const { busy, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const creditLimitCents = limit.trim() === '' ? undefined : parseEuros(limit);
    void run(
      async () =>
        ok(
          await api.PATCH('/customers/{customerId}', {
            params: { path: { customerId: c.customerId }, header: { 'If-Match': etag(c.version) } },
            body: {
              name,
              language,
              reminderGrouping: grouping,
              contacts: parseContacts(contacts, c.contacts),
              ...(policyId ? { policyId } : {}),
              ...(creditLimitCents !== undefined ? { creditLimitCents } : {}),
            },
          }),
        ),
      m.saved,
      props.reload,
    );
  };
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="edit-title">
      <h2 id="edit-title">{m.edit}</h2>
      <label>
        {m.name}
        <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {m.language}
        <select
          value={language}
          onChange={(e) => setLanguage((e.target as HTMLSelectElement).value as typeof language)}
        >
          <option value="fr">{m.languages.fr}</option>
          <option value="en">{m.languages.en}</option>
        </select>
      </label>
      <label>
        {m.grouping}
        <select
          value={grouping}
          onChange={(e) => setGrouping((e.target as HTMLSelectElement).value as typeof grouping)}
        >
          <option value="per_customer">{m.perCustomer}</option>
          <option value="per_invoice">{m.perInvoice}</option>
        </select>
      </label>
      <label>
        {m.policy}
        <select value={policyId} onChange={(e) => setPolicyId((e.target as HTMLSelectElement).value)}>
          <option value="">({m.segmentPolicy(c.segment)})</option>
          {props.data.policies.map((p) => (
            <option key={p.policyId} value={p.policyId}>
              {p.policyId}
            </option>
          ))}
        </select>
      </label>
      <label>
        {m.creditLimit}
        <input inputMode="decimal" value={limit} onInput={(e) => setLimit((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {m.contacts}
        <textarea
          rows={3}
          value={contacts}
          onInput={(e) => setContacts((e.target as HTMLTextAreaElement).value)}
          aria-describedby="contacts-help"
        />
        <small id="contacts-help">{m.contactsHelp}</small>
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {t().save}
      </button>
    </form>
  );
}

export function CustomerPage(props: { customerId: string }) {
  const { api } = useApp();
  const canAct = useCanAct();
  const m = t().customers;
  const state = useData(() => loadCustomer(api, props.customerId), [props.customerId]);
  return (
    <Page title={state.data?.customer.name ?? props.customerId} wide>
      <Async state={state}>
        {(d) => {
          const { customer: c, score } = d;
          return (
            <div class="grid">
              <section class="card" aria-labelledby="balance-title">
                <h2 id="balance-title">{m.balance}</h2>
                <p class="big">{money(c.exposure?.openCents ?? 0)}</p>
                {c.exposure?.creditCents ? (
                  <p>
                    {m.credit} : {money(c.exposure.creditCents)}
                  </p>
                ) : null}
                {c.creditLimitCents !== undefined && (
                  <p>
                    {m.creditLimit} : {money(c.creditLimitCents)}{' '}
                    {c.exposure?.overLimit ? <strong class="warn">{m.overLimit}</strong> : null}
                  </p>
                )}
              </section>
              <section class="card" aria-labelledby="score-title">
                <h2 id="score-title">{m.score}</h2>
                <p>{m.averageDelay(score.averageDaysLate)}</p>
                <p>{m.onTime(score.onTimeShare === null ? null : Math.round(score.onTimeShare * 100))}</p>
                {score.sampleSize > 0 && (
                  <p>
                    {m.sample(score.sampleSize)} · {m.trends[score.trend] ?? score.trend}
                  </p>
                )}
                <p>{m.overdue(money(score.overdueCents))}</p>
              </section>
              <section class="card" aria-labelledby="contacts-title">
                <h2 id="contacts-title">{m.contacts}</h2>
                <ul>
                  {c.contacts.map((ct) => (
                    <li key={ct.email}>
                      {ct.name ?? ''} &lt;{ct.email}&gt; · {m.roles[ct.role] ?? ct.role}
                    </li>
                  ))}
                </ul>
                <p>
                  {m.language} : {m.languages[c.language] ?? c.language} · {m.grouping} :{' '}
                  {c.reminderGrouping === 'per_invoice' ? m.perInvoice : m.perCustomer} · {m.policy} :{' '}
                  {c.policyId ?? m.segmentPolicy(c.segment)}
                </p>
              </section>
              {canAct && <EditCustomer data={d} reload={state.reload} />}
              {canAct && <LearnedPayers customerId={c.customerId} />}
              <section class="card wide" aria-labelledby="cinv-title">
                <h2 id="cinv-title">{m.invoices}</h2>
                <ul>
                  {d.invoices.map((i) => (
                    <li key={i.invoiceId}>
                      <Link href={`/factures/${encodeURIComponent(i.invoiceId)}`}>{i.invoiceId}</Link> ·{' '}
                      {date(i.dueDate)} · {money(i.openCents)} · {t().status[i.status]}
                    </li>
                  ))}
                </ul>
              </section>
            </div>
          );
        }}
      </Async>
    </Page>
  );
}

/** Payers the matcher learned from finance's corrections (issue 17): visible, and removable for good. */
function LearnedPayers(props: { customerId: string }) {
  const { api } = useApp();
  const m = t().customers;
  const path = { customerId: props.customerId };
  const state = useData(
    async () => ok(await api.GET('/customers/{customerId}/aliases', { params: { path } })).items,
    [props.customerId],
  );
  const { busy, run } = useAction();
  const remove = (aliasId: string) =>
    void run(
      async () =>
        ok(await api.DELETE('/customers/{customerId}/aliases/{aliasId}', { params: { path: { ...path, aliasId } } })),
      m.aliasRemoved,
      state.reload,
    );
  return (
    <section class="card" aria-labelledby="aliases-title">
      <h2 id="aliases-title">{m.aliases}</h2>
      <p>{m.aliasesHelp}</p>
      <Async state={state}>
        {(aliases) =>
          aliases.length === 0 ? (
            <p>{m.noAliases}</p>
          ) : (
            <ul data-testid="aliases">
              {aliases.map((a) => (
                <li key={a.aliasId}>
                  {m.aliasKind(a.kind)} : <strong>{a.display}</strong> ·{' '}
                  {a.removedAt
                    ? m.removed(date(a.removedAt.slice(0, 10)), a.removedBy ?? '')
                    : m.learned(date(a.learnedAt.slice(0, 10)), a.learnedBy)}{' '}
                  {!a.removedAt && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => remove(a.aliasId)}
                      aria-label={`${m.removeAlias} ${a.display}`}
                    >
                      {m.removeAlias}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}
