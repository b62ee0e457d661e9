import { useState } from 'preact/hooks';
import { type Api, etag, messageOf, ok } from '../api/client';
import { date, money, parseEuros } from '../format';
import { stepName, t } from '../i18n';
import { Async, Link, Page, say, useAction, useApp, useCanAct, useData } from '../ui';

type Detail = Awaited<ReturnType<typeof loadInvoice>>;
type HistoryEvent = Detail['history'][number];

async function loadInvoice(api: Api, invoiceId: string) {
  return ok(await api.GET('/invoices/{invoiceId}', { params: { path: { invoiceId } } }));
}

/** The last planned step not followed by a send, stop or end: what the workflow waits for. */
export function nextPlanned(history: HistoryEvent[]): HistoryEvent | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i];
    if (e.kind === 'dunning_step_planned') return e;
    if (
      [
        'dunning_ended',
        'dunning_stopped',
        'reminder_sent',
        'dunning_message_sent',
        'formal_notice_sent',
        'status_changed',
      ].includes(e.kind)
    )
      return undefined;
  }
  return undefined;
}

function DocumentLink(props: { pdfKey: string }) {
  const { api } = useApp();
  const open = async () => {
    try {
      window.open(
        ok(await api.GET('/console/document-link', { params: { query: { key: props.pdfKey } } })).url,
        '_blank',
        'noopener',
      );
    } catch (err) {
      say(messageOf(err), 'error');
    }
  };
  return (
    <button type="button" class="link" onClick={() => void open()}>
      {props.pdfKey.endsWith('.pdf') ? 'PDF ' : ''}
      {props.pdfKey.split('/').at(-1)}
    </button>
  );
}

/** An event kind in words; an unknown one is shown as its code, marked as such. */
export function EventName(props: { kind: string }) {
  const name = t().events[props.kind];
  return name ? <strong>{name}</strong> : <code title={t().review.untranslated}>{props.kind}</code>;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

/** The facts of one history event in the reader's words: level and channel named, a payment by its date and amount. */
export function eventFacts(kind: string, d: Record<string, unknown>): { text: string; title?: string } {
  const m = t().invoices;
  const level = str(d.level);
  const channel = str(d.channel);
  const amount = typeof d.amountCents === 'number' ? money(d.amountCents) : undefined;
  const txnId = str(d.transactionId);
  const payment = txnId && amount ? m.paymentOf(date(str(d.bookingDate) ?? ''), amount, str(d.payer)) : undefined;
  const reason = str(d.reason);
  const parts = [
    level ? (t().levels[level] ?? level) : str(d.stepId) && stepName(String(d.stepId)),
    channel && (t().channels[channel] ?? channel),
    str(d.note),
    reason && (t().pauseReasons[reason] ?? t().eventReasons[reason] ?? reason),
    str(d.until) && m.untilDate(date(String(d.until))),
    payment ?? (kind === 'write_off' && amount ? m.writeOffPart(amount) : amount),
    typeof d.writeOffCents === 'number' && d.writeOffCents > 0 ? m.writeOffPart(money(d.writeOffCents)) : undefined,
    kind === 'notice_claims_unpaid' ? noticeClaims(d) : undefined,
    str(d.at) && m.plannedFor(date(String(d.at))),
    str(d.previousAt) && m.movedFrom(date(String(d.previousAt))),
    lateness(d),
  ];
  return { text: parts.filter((x): x is string => !!x).join(' · '), title: txnId };
}

/** A formal notice's interest and indemnity left unpaid once its principal was paid (a zero amount is not named). */
function noticeClaims(d: Record<string, unknown>): string {
  const part = (x: unknown) => (typeof x === 'number' && x > 0 ? money(x) : undefined);
  return t().invoices.noticeClaimsPart(part(d.interestCents), part(d.indemnityCents));
}

/** A send that went out after its planned window: when it was planned, how late, and why as far as the system knows. */
function lateness(d: Record<string, unknown>): string | undefined {
  const late = d.late as { minutes?: unknown; reasons?: unknown } | undefined;
  if (!late || typeof late.minutes !== 'number' || !str(d.plannedAt)) return undefined;
  const m = t().invoices;
  const reasons = Array.isArray(late.reasons) ? late.reasons.map(String) : ['unexplained'];
  const why = reasons.map((r) => m.lateReasons[r] ?? m.lateReasons.unexplained).join(', ');
  const delay = m.delay(Math.floor(late.minutes / 1440), Math.floor((late.minutes % 1440) / 60), late.minutes % 60);
  return m.sentLate(date(String(d.plannedAt)), delay, why);
}

function Timeline(props: { history: HistoryEvent[] }) {
  const m = t().invoices;
  if (props.history.length === 0) return <p>{m.noHistory}</p>;
  return (
    <ol class="timeline" data-testid="timeline">
      {props.history.map((e, i) => {
        const d = e.detail as Record<string, unknown>;
        const extra = eventFacts(e.kind, d);
        return (
          <li key={i}>
            <time dateTime={e.at}>{date(e.at)}</time> <EventName kind={e.kind} /> <span class="muted">{e.actor}</span>
            {extra.text && <div title={extra.title}>{extra.text}</div>}
            {typeof d.pdfKey === 'string' && <DocumentLink pdfKey={d.pdfKey} />}
            {typeof d.documentKey === 'string' && <DocumentLink pdfKey={d.documentKey} />}
            {Array.isArray(d.to) && <div class="muted">→ {(d.to as string[]).join(', ')}</div>}
          </li>
        );
      })}
    </ol>
  );
}

function Actions(props: { detail: Detail; reload: () => Promise<void> }) {
  const { api } = useApp();
  const m = t().invoices;
  const { invoice } = props.detail;
  const path = { invoiceId: invoice.invoiceId };
  const header = { 'If-Match': etag(invoice.version) };
  const { busy, run } = useAction();
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [creditNoteId, setCreditNoteId] = useState('');
  const owed = ['open', 'partially_paid'].includes(invoice.status);
  const noteBody = { note: note || undefined };
  const go = (fn: () => Promise<unknown>, done: string) => run(fn, done, props.reload);
  const awaitingApproval = invoice.pause?.note?.startsWith('approval:');
  return (
    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{m.actions}</h2>
      <label>
        {m.note}
        <input value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} maxLength={2000} />
      </label>
      <div class="buttons">
        {invoice.pause ? (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() =>
              go(
                async () =>
                  ok(await api.POST('/invoices/{invoiceId}/resume', { params: { path, header }, body: noteBody })),
                awaitingApproval ? m.done.approved : m.done.resumed,
              )
            }
          >
            {awaitingApproval ? m.approve : m.resume}
          </button>
        ) : (
          owed && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                go(
                  async () =>
                    ok(await api.POST('/invoices/{invoiceId}/pause', { params: { path, header }, body: noteBody })),
                  m.done.paused,
                )
              }
            >
              {m.pause}
            </button>
          )
        )}
        {owed && invoice.pause?.reason !== 'dispute' && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              go(
                async () =>
                  ok(await api.POST('/invoices/{invoiceId}/dispute', { params: { path, header }, body: noteBody })),
                m.done.disputed,
              )
            }
          >
            {m.dispute}
          </button>
        )}
      </div>
      {owed && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            go(
              async () =>
                ok(
                  await api.POST('/invoices/{invoiceId}/promise', {
                    params: { path, header },
                    body: { until, ...noteBody },
                  }),
                ),
              m.done.promised(date(until)),
            );
          }}
        >
          <label>
            {m.promiseUntil}
            <input type="date" required value={until} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" disabled={busy}>
            {m.promise}
          </button>
        </form>
      )}
      {invoice.openCents > 0 && (
        <details>
          <summary>
            {m.writeOff} / {m.creditNote}
          </summary>
          <label>
            {m.amountEuros}
            <input
              inputMode="decimal"
              value={amount}
              onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
              placeholder={(invoice.openCents / 100).toFixed(2)}
            />
          </label>
          <label>
            {m.reason}
            <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {m.creditNoteId}
            <input value={creditNoteId} onInput={(e) => setCreditNoteId((e.target as HTMLInputElement).value)} />
          </label>
          <div class="buttons">
            <button
              type="button"
              class="danger"
              disabled={busy || !reason}
              onClick={() =>
                go(
                  async () =>
                    ok(
                      await api.POST('/invoices/{invoiceId}/write-off', {
                        params: { path, header },
                        body: { reason, amountCents: parseEuros(amount) },
                      }),
                    ),
                  m.done.writtenOff(money(parseEuros(amount) ?? invoice.openCents)),
                )
              }
            >
              {m.writeOff}
            </button>
            <button
              type="button"
              disabled={busy || !creditNoteId || parseEuros(amount) === undefined}
              onClick={() =>
                go(
                  async () =>
                    ok(
                      await api.POST('/invoices/{invoiceId}/credit-note', {
                        params: { path, header },
                        body: { creditNoteId, amountCents: parseEuros(amount) ?? 0, reason: reason || undefined },
                      }),
                    ),
                  m.done.credited(creditNoteId, money(parseEuros(amount) ?? 0)),
                )
              }
            >
              {m.creditNote}
            </button>
          </div>
        </details>
      )}
    </section>
  );
}

export function InvoicePage(props: { invoiceId: string }) {
  const { api } = useApp();
  const canAct = useCanAct();
  const m = t().invoices;
  const state = useData(() => loadInvoice(api, props.invoiceId), [props.invoiceId]);
  return (
    <Page title={`${m.number} ${props.invoiceId}`} wide>
      <Async state={state}>
        {(d) => {
          const next = nextPlanned(d.history);
          const sent = d.history.filter(
            (e) => (e.detail as Record<string, unknown>).messageId || (e.detail as Record<string, unknown>).pdfKey,
          );
          return (
            <div class="invoice">
              <dl class="facts">
                <dt>{m.customer}</dt>
                <dd>
                  <Link href={`/clients/${encodeURIComponent(d.invoice.customerId)}`}>{d.invoice.customerId}</Link>
                </dd>
                <dt>{m.amount}</dt>
                <dd>{money(d.invoice.amountCents, d.invoice.currency)}</dd>
                <dt>{m.open}</dt>
                <dd>{money(d.invoice.openCents, d.invoice.currency)}</dd>
                <dt>{m.due}</dt>
                <dd>{date(d.invoice.dueDate)}</dd>
                <dt>{m.status}</dt>
                <dd data-testid="invoice-status">
                  {t().status[d.invoice.status]}
                  {d.invoice.pause
                    ? ` · ${m.paused} (${t().pauseReasons[d.invoice.pause.reason] ?? d.invoice.pause.reason}` +
                      `${d.invoice.pause.until ? ` → ${date(d.invoice.pause.until)}` : ''})`
                    : ''}
                </dd>
                <dt>{m.level}</dt>
                <dd data-testid="dunning-level">{t().levels[d.invoice.dunningLevel ?? 'none']}</dd>
                <dt>{m.workflow}</dt>
                <dd data-testid="workflow-status">{t().workflowStatus[d.workflow.status] ?? d.workflow.status}</dd>
                <dt>{m.nextStep}</dt>
                <dd>{next ? eventFacts(next.kind, next.detail as Record<string, unknown>).text || '—' : '—'}</dd>
              </dl>
              {canAct && <Actions detail={d} reload={state.reload} />}
              <section aria-labelledby="alloc-title">
                <h2 id="alloc-title">{m.allocations}</h2>
                {d.allocations.length === 0 ? (
                  <p>—</p>
                ) : (
                  <ul>
                    {d.allocations.map((a) => (
                      <li key={a.transactionId} title={a.transactionId}>
                        {m.paymentOf(date(a.bookingDate), money(a.amountCents))}
                        {a.writeOffCents ? ` · ${m.writeOffPart(money(a.writeOffCents))}` : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="docs-title">
                <h2 id="docs-title">{m.documents}</h2>
                <ul>
                  {sent.map((e, i) => {
                    const dd = e.detail as { messageId?: string; to?: string[]; pdfKey?: string };
                    return (
                      <li key={i}>
                        {date(e.at)} · <EventName kind={e.kind} /> {dd.to ? `→ ${dd.to.join(', ')}` : ''}{' '}
                        {dd.pdfKey && <DocumentLink pdfKey={dd.pdfKey} />}
                      </li>
                    );
                  })}
                </ul>
              </section>
              <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">{m.timeline}</h2>
                <Timeline history={d.history} />
              </section>
            </div>
          );
        }}
      </Async>
    </Page>
  );
}
