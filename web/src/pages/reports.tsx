import { useState } from 'preact/hooks';
import { type Api, messageOf, ok } from '../api/client';
import { Chart } from '../components/chart';
import { date, decimal, money, shortDate } from '../format';
import { t } from '../i18n';
import { Async, Link, type Loaded, Page, say, useApp, useData } from '../ui';

const bucketKeys = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'over_90'] as const;
const colors = ['#2f6f4f', '#b58900', '#cb6d16', '#c0392b', '#7b1f1f'];
const euros = (cents: number) => money(Math.round(cents / 100) * 100).replace(/[,.]00\s/, ' ');

/** Month ends going back from today: the dates DSO is read at. */
export function monthEnds(today: string, count: number): string[] {
  const out = [today];
  const d = new Date(`${today}T00:00:00Z`);
  for (let i = 0; i < count - 1; i++) {
    d.setUTCDate(0); // last day of the previous month
    out.unshift(d.toISOString().slice(0, 10));
  }
  return out;
}

type Aged = Exclude<Awaited<ReturnType<typeof loadAged>>, string>;

async function loadAged(api: Api) {
  const report = ok(await api.GET('/reports/aged-balance', { params: { query: { format: 'json' } } }));
  if (typeof report === 'string') throw new Error('aged balance: expected JSON');
  return report;
}

/** The CSV the API writes, saved through a blob link (the request carries the bearer token, a plain link would not). */
async function downloadAgedCsv(api: Api): Promise<void> {
  const res = await api.GET('/reports/aged-balance', { params: { query: { format: 'csv' } }, parseAs: 'text' });
  const text = ok(res) as unknown as string;
  const name =
    /filename="([^"]+)"/.exec(res.response.headers.get('content-disposition') ?? '')?.[1] ?? 'balance-agee.csv';
  const a = document.createElement('a');
  // fetch's text() drops the byte order mark French Excel needs to read UTF-8: put it back
  const bom = text.startsWith('\uFEFF') ? '' : '\uFEFF';
  a.href = URL.createObjectURL(new Blob([bom + text], { type: 'text/csv;charset=utf-8' }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/** A customer's name short enough for a bar's label: cut at a word, with an ellipsis when cut. */
function shortName(name: string, max = 22): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function BucketHeaders() {
  return (
    <>
      {bucketKeys.map((b) => (
        <th scope="col" key={b} class="num">
          {t().buckets[b]}
        </th>
      ))}
    </>
  );
}

function AgedCard(props: { aged: Loaded<Aged> }) {
  const { api } = useApp();
  const m = t().reports;
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    await downloadAgedCsv(api).catch((err: unknown) => say(messageOf(err), 'error'));
    setDownloading(false);
  };
  return (
    <section class="card" aria-labelledby="aged-title">
      <h2 id="aged-title">{m.aged}</h2>
      <Async state={props.aged}>
        {(a) => (
          <figure>
            <Chart
              title={m.aged}
              kind="bars"
              labels={bucketKeys.map((b) => t().buckets[b])}
              series={[{ label: m.aged, values: bucketKeys.map((b) => a.total.buckets[b]), color: '#2b5d8a' }]}
              format={euros}
            />
            <figcaption>
              {m.total} : {money(a.total.totalCents, a.currency)} · {date(a.asOf)}
              {a.total.disputedCents > 0 && <p>{m.ofWhichDisputed(money(a.total.disputedCents, a.currency))}</p>}
              {a.otherCurrencies.length > 0 && <p>{m.otherCurrencies(a.otherCurrencies, a.currency)}</p>}
            </figcaption>
            <table class="compact">
              <tbody>
                {bucketKeys.map((b) => (
                  <tr key={b}>
                    <th scope="row">{t().buckets[b]}</th>
                    <td class="num">{money(a.total.buckets[b], a.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </figure>
        )}
      </Async>
      <button type="button" class="primary" onClick={() => void download()} disabled={downloading}>
        {m.csv}
      </button>
    </section>
  );
}

function DsoCard() {
  const { api } = useApp();
  const m = t().reports;
  const dsoText = (d: number | null | undefined) => m.dsoDays(d === null || d === undefined ? null : decimal(d));
  const dso = useData(async () => {
    // The server's today (the local stack runs on a compressed clock), then the five month ends before it.
    const latest = ok(await api.GET('/reports/dso', { params: { query: {} } }));
    const earlier = await Promise.all(
      monthEnds(latest.asOf, 6)
        .slice(0, -1)
        .map(async (asOf) => ok(await api.GET('/reports/dso', { params: { query: { asOf } } }))),
    );
    return [...earlier, latest];
  }, []);
  return (
    <section class="card" aria-labelledby="dso-title">
      <h2 id="dso-title">{m.dso}</h2>
      <Async state={dso}>
        {(rows) => (
          <figure>
            <Chart
              title={m.dso}
              kind="line"
              labels={rows.map((r) => shortDate(r.asOf))}
              series={[{ label: m.dso, values: rows.map((r) => r.dsoDays), color: '#2b5d8a' }]}
              format={(v) => `${Math.round(v)} j`}
            />
            <figcaption>
              {date(rows.at(-1)?.asOf)} : {dsoText(rows.at(-1)?.dsoDays)}
            </figcaption>
          </figure>
        )}
      </Async>
    </section>
  );
}

function CustomersCard(props: { aged: Loaded<Aged> }) {
  const m = t().reports;
  const anyDisputed = (a: Aged) => a.customers.some((c) => c.disputedCents > 0);
  return (
    <section class="card wide" aria-labelledby="by-customer-title">
      <h2 id="by-customer-title">{m.agedByCustomer}</h2>
      <Async state={props.aged}>
        {(a) => (
          <>
            <Chart
              title={m.agedByCustomer}
              kind="bars"
              height={200}
              labels={a.customers.slice(0, 8).map((c) => shortName(c.customerName ?? c.customerId))}
              series={[{ label: m.total, values: a.customers.slice(0, 8).map((c) => c.totalCents), color: colors[3] }]}
              format={euros}
            />
            {a.nextCursor && <p class="muted">{m.firstCustomers(a.customers.length, a.customerCount)}</p>}
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t().invoices.customer}</th>
                    <BucketHeaders />
                    <th scope="col" class="num">
                      {m.total}
                    </th>
                    {anyDisputed(a) && (
                      <th scope="col" class="num">
                        {m.disputed}
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {a.customers.map((c) => (
                    <tr key={c.customerId}>
                      <td>
                        <Link href={`/clients/${encodeURIComponent(c.customerId)}`}>
                          {c.customerName ?? c.customerId}
                        </Link>
                      </td>
                      {bucketKeys.map((b) => (
                        <td key={b} class="num">
                          {c.buckets[b] ? money(c.buckets[b], a.currency) : ''}
                        </td>
                      ))}
                      <td class="num">{money(c.totalCents, a.currency)}</td>
                      {anyDisputed(a) && (
                        <td class="num">{c.disputedCents ? money(c.disputedCents, a.currency) : ''}</td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

type Forecast = Exclude<Awaited<ReturnType<typeof loadForecast>>, string>;

async function loadForecast(api: Api) {
  return ok(await api.GET('/reports/cash-forecast', { params: { query: { weeks: 12 } } }));
}

function ForecastCard() {
  const { api } = useApp();
  const m = t().reports;
  const forecast = useData(() => loadForecast(api), []);
  return (
    <section class="card wide" aria-labelledby="forecast-title">
      <h2 id="forecast-title">{m.forecast}</h2>
      <Async state={forecast}>
        {(f) => (
          <figure>
            <Chart
              title={m.forecast}
              kind="bars"
              labels={f.weeks.map((w) => shortDate(w.weekStart))}
              series={[{ label: m.expected, values: f.weeks.map((w) => w.expectedCents), color: colors[0] }]}
              format={euros}
            />
            <figcaption>
              {m.total} :{' '}
              {money(
                f.weeks.reduce((s, w) => s + w.expectedCents, 0),
                f.currency,
              )}
            </figcaption>
            <table class="compact">
              <thead>
                <tr>
                  <th scope="col">{m.week}</th>
                  <th scope="col" class="num">
                    {m.expected}
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.weeks
                  .filter((w) => w.expectedCents > 0)
                  .map((w) => (
                    <tr key={w.weekStart}>
                      <td>{date(w.weekStart)}</td>
                      <td class="num">{money(w.expectedCents, f.currency)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            <ForecastLeftOut forecast={f} />
          </figure>
        )}
      </Async>
    </section>
  );
}

/** What the weeks do not hold: cash expected later, and what nobody can date (disputed or paused invoices). */
function ForecastLeftOut({ forecast: f }: { forecast: Forecast }) {
  const m = t().reports;
  const lines = [
    f.laterCents > 0 && m.later(money(f.laterCents, f.currency)),
    f.inCollectionCents > 0 && m.inCollection(money(f.inCollectionCents, f.currency)),
    f.excluded.disputedCents > 0 && m.excludedDisputed(money(f.excluded.disputedCents, f.currency)),
    f.excluded.pausedCents > 0 && m.excludedPaused(money(f.excluded.pausedCents, f.currency)),
  ].filter((x): x is string => typeof x === 'string');
  if (lines.length === 0) return null;
  return (
    <ul class="left-out">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

export function ReportsPage() {
  const { api } = useApp();
  const aged = useData(() => loadAged(api), []);
  return (
    <Page title={t().reports.title} wide>
      <div class="grid">
        <AgedCard aged={aged} />
        <DsoCard />
        <CustomersCard aged={aged} />
        <ForecastCard />
      </div>
    </Page>
  );
}
