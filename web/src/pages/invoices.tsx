import { useState } from 'preact/hooks';
import { ok } from '../api/client';
import { date, money } from '../format';
import { t } from '../i18n';
import { Async, Link, navigate, Page, useApp, useData } from '../ui';

const statuses = ['open', 'partially_paid', 'paid', 'in_collection', 'written_off', 'credited'] as const;
const buckets = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'over_90'] as const;
type Bucket = (typeof buckets)[number];
/** Dunning levels in order of firmness, 'none' first (the values GET /invoices accepts as `level`). */
const levels = [
  'none',
  'courtesy',
  'call',
  'reminder_1',
  'reminder_2',
  'final_reminder',
  'formal_notice',
  'agency_handoff',
] as const;
type Level = (typeof levels)[number];

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The due-date range of an age bucket, as the aged balance counts days past due. */
export function dueRangeOf(bucket: Bucket, today: string): { dueFrom?: string; dueTo?: string } {
  switch (bucket) {
    case 'not_due':
      return { dueFrom: today };
    case 'd1_30':
      return { dueFrom: addDays(today, -30), dueTo: addDays(today, -1) };
    case 'd31_60':
      return { dueFrom: addDays(today, -60), dueTo: addDays(today, -31) };
    case 'd61_90':
      return { dueFrom: addDays(today, -90), dueTo: addDays(today, -61) };
    case 'over_90':
      return { dueTo: addDays(today, -91) };
  }
}

export function InvoicesPage(props: { query: URLSearchParams }) {
  const { api } = useApp();
  const m = t().invoices;
  const q = props.query;
  const status = q.get('status') ?? '';
  const customerId = q.get('customer') ?? '';
  const bucket = (q.get('bucket') ?? '') as Bucket | '';
  const level = (levels as readonly string[]).includes(q.get('level') ?? '') ? (q.get('level') as Level) : '';
  const [search, setSearch] = useState(q.get('q') ?? '');
  const [cursor, setCursor] = useState<string | undefined>();
  const today = new Date().toISOString().slice(0, 10);
  const customers = useData(
    async () => ok(await api.GET('/customers', { params: { query: { limit: 200 } } })).items,
    [],
  );
  const list = useData(
    async () =>
      ok(
        await api.GET('/invoices', {
          params: {
            query: {
              limit: 100,
              cursor,
              ...(status ? { status: status as never } : {}),
              ...(customerId ? { customerId } : {}),
              ...(bucket ? dueRangeOf(bucket, today) : {}),
              ...(level ? { level } : {}),
            },
          },
        }),
      ),
    [status, customerId, bucket, level, cursor],
  );
  const names = new Map((customers.data ?? []).map((c) => [c.customerId, c.name]));
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(q);
    if (value) next.set(key, value);
    else next.delete(key);
    setCursor(undefined);
    navigate(`/factures${next.size ? `?${next}` : ''}`);
  };
  const needle = search.trim().toLowerCase();
  return (
    <Page title={m.title} wide>
      {/* biome-ignore lint/a11y/useSemanticElements: role=search on a form is the ARIA pattern */}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {m.search}
          <input type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {m.status}
          <select value={status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">{m.any}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t().status[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.customer}
          <select value={customerId} onChange={(e) => setFilter('customer', (e.target as HTMLSelectElement).value)}>
            <option value="">{m.any}</option>
            {(customers.data ?? []).map((c) => (
              <option key={c.customerId} value={c.customerId}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.bucket}
          <select value={bucket} onChange={(e) => setFilter('bucket', (e.target as HTMLSelectElement).value)}>
            <option value="">{m.any}</option>
            {buckets.map((b) => (
              <option key={b} value={b}>
                {t().buckets[b]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.level}
          <select value={level} onChange={(e) => setFilter('level', (e.target as HTMLSelectElement).value)}>
            <option value="">{m.any}</option>
            {levels.map((l) => (
              <option key={l} value={l}>
                {t().levels[l]}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Async state={list}>
        {(page) => {
          const rows = page.items.filter(
            (i) =>
              !needle ||
              i.invoiceId.toLowerCase().includes(needle) ||
              (names.get(i.customerId) ?? i.customerId).toLowerCase().includes(needle),
          );
          return (
            <>
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">{m.title}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.number}</th>
                      <th scope="col">{m.customer}</th>
                      <th scope="col">{m.due}</th>
                      <th scope="col" class="num">
                        {m.amount}
                      </th>
                      <th scope="col" class="num">
                        {m.open}
                      </th>
                      <th scope="col">{m.status}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((i) => (
                      <tr key={i.invoiceId}>
                        <td>
                          <Link href={`/factures/${encodeURIComponent(i.invoiceId)}`}>{i.invoiceId}</Link>
                        </td>
                        <td>{names.get(i.customerId) ?? i.customerId}</td>
                        <td>{date(i.dueDate)}</td>
                        <td class="num">{money(i.amountCents, i.currency)}</td>
                        <td class="num">{money(i.openCents, i.currency)}</td>
                        <td>
                          {t().status[i.status]}
                          {i.pause ? ` · ${m.paused} (${t().pauseReasons[i.pause.reason] ?? i.pause.reason})` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {page.nextCursor && (
                <button type="button" onClick={() => setCursor(page.nextCursor)}>
                  {t().more}
                </button>
              )}
            </>
          );
        }}
      </Async>
    </Page>
  );
}
