import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, messageOf, ok } from '../api/client';
import type { paths } from '../api/schema';
import { date, money, parseEuros } from '../format';
import { lang, t } from '../i18n';
import { translateReason } from '../reasons';
import { Async, Link, Page, say, useApp, useCanAct, useData } from '../ui';
import { parsePicked, planAllocations } from './allocation-plan';

type Txn = Awaited<ReturnType<typeof loadQueue>>[number];
type Invoice = paths['/invoices/{invoiceId}']['get']['responses'][200]['content']['application/json']['invoice'];

async function loadQueue(api: Api) {
  return ok(
    await api.GET('/transactions', { params: { query: { status: ['suggested', 'unmatched'] as never, limit: 200 } } }),
  ).items;
}

async function loadInvoices(api: Api, ids: string[]): Promise<Map<string, Invoice>> {
  const found = await Promise.all(
    [...new Set(ids)].map(async (invoiceId) => {
      const res = await api.GET('/invoices/{invoiceId}', { params: { path: { invoiceId } } });
      return res.data?.invoice;
    }),
  );
  return new Map(found.filter((i) => i !== undefined).map((i) => [i.invoiceId, i as Invoice]));
}

const paymentWords = (x: Txn): string =>
  t().review.payment(money(x.amountCents, x.currency), x.counterpartyName ?? x.label);
const invoicesOf = (allocations: { invoiceId: string }[] | undefined): string[] =>
  (allocations ?? []).map((a) => a.invoiceId);

/** One of the matcher's reasons in the page's language; one no rule knows is shown as written, marked. */
function Reason(props: { text: string }) {
  const { text, known } = translateReason(props.text, lang.value);
  if (known) return <li>{text}</li>;
  const mark = t().review.untranslated;
  return (
    <li title={mark}>
      {text} <small class="muted">({mark})</small>
    </li>
  );
}

const editable = (el: EventTarget | null) =>
  el instanceof HTMLElement &&
  (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);

/**
 * The review queue, built for going through fifty lines: the list on the left, the open line on the right with the
 * engine's reasons and each candidate beside what it would leave owed; after an action the next line opens.
 */
export function ReviewPage() {
  const { api } = useApp();
  const canAct = useCanAct();
  const m = t().review;
  const queue = useData(() => loadQueue(api), []);
  const [items, setItems] = useState<Txn[]>([]);
  const [selected, setSelected] = useState(0);
  const [handled, setHandled] = useState<{ id: string; payment: string }[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (queue.data) setItems(queue.data);
  }, [queue.data]);
  const txn = items[Math.min(selected, items.length - 1)];
  const otherRef = useRef<HTMLInputElement>(null);

  const act = async (fn: () => Promise<unknown>, x: Txn, matchedTo: string[] | undefined) => {
    setBusy(true);
    try {
      await fn();
      const payment = paymentWords(x);
      say(matchedTo ? m.matched(payment, matchedTo.join(', ')) : m.rejected(payment));
      setItems((list) => list.filter((y) => y.transactionId !== x.transactionId));
      if (matchedTo) setHandled((h) => [...h, { id: x.transactionId, payment }]);
    } catch (err) {
      say(messageOf(err), 'error');
      await queue.reload();
    } finally {
      setBusy(false);
    }
  };
  const accept = (index: number) =>
    txn &&
    act(
      async () =>
        ok(
          await api.POST('/transactions/{transactionId}/accept', {
            params: { path: { transactionId: txn.transactionId } },
            body: { suggestionIndex: index },
          }),
        ),
      txn,
      invoicesOf(txn.match?.suggestions[index]?.allocations),
    );
  const reject = () =>
    txn &&
    act(
      async () =>
        ok(
          await api.POST('/transactions/{transactionId}/reject', {
            params: { path: { transactionId: txn.transactionId } },
          }),
        ),
      txn,
      undefined,
    );
  const undo = async () => {
    const last = handled.at(-1);
    if (!last) return;
    setBusy(true);
    try {
      ok(await api.POST('/transactions/{transactionId}/undo', { params: { path: { transactionId: last.id } } }));
      setHandled((h) => h.slice(0, -1));
      say(m.undone(last.payment));
      await queue.reload();
    } catch (err) {
      say(messageOf(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (editable(e.target) || e.ctrlKey || e.metaKey || e.altKey || busy) return;
      const k = e.key.toLowerCase();
      if (k === 'j') setSelected((s) => Math.min(s + 1, items.length - 1));
      else if (k === 'k') setSelected((s) => Math.max(s - 1, 0));
      else if (!canAct) return;
      else if (k === 'a' && txn?.match?.suggestions.length) void accept(0);
      else if (/^[1-9]$/.test(k) && txn?.match?.suggestions[Number(k) - 1]) void accept(Number(k) - 1);
      else if (k === 'r') void reject();
      else if (k === 'u') void undo();
      else if (k === 'm') otherRef.current?.focus();
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  return (
    <Page title={m.title} wide>
      <p class="hint">{m.shortcuts}</p>
      <Async state={queue}>
        {() =>
          items.length === 0 ? (
            <p>{m.empty}</p>
          ) : (
            <div class="split">
              <nav aria-label={m.queue} class="queue">
                <ol>
                  {items.map((x, i) => (
                    <li key={x.transactionId}>
                      <button
                        type="button"
                        class="row"
                        aria-current={x === txn ? 'true' : undefined}
                        onClick={() => setSelected(i)}
                      >
                        <span class="amount">{money(x.amountCents, x.currency)}</span>{' '}
                        <span>{x.counterpartyName ?? x.label}</span>
                        <small>
                          {date(x.bookingDate)} ·{' '}
                          {x.status === 'suggested' ? `${x.match?.suggestions.length ?? 0} ↗` : '∅'}
                        </small>
                      </button>
                    </li>
                  ))}
                </ol>
              </nav>
              {txn && (
                <TransactionPanel
                  key={txn.transactionId}
                  txn={txn}
                  canAct={canAct}
                  busy={busy}
                  onAccept={accept}
                  onReject={reject}
                  onMatch={(allocations) =>
                    act(
                      async () =>
                        ok(
                          await api.POST('/transactions/{transactionId}/match', {
                            params: { path: { transactionId: txn.transactionId } },
                            body: { allocations, writeOffCents: 0 },
                          }),
                        ),
                      txn,
                      invoicesOf(allocations),
                    )
                  }
                  otherRef={otherRef}
                />
              )}
            </div>
          )
        }
      </Async>
      {canAct && handled.length > 0 && (
        <p>
          <button type="button" onClick={() => void undo()} disabled={busy}>
            {m.undo} ({handled.at(-1)?.payment})
          </button>
        </p>
      )}
    </Page>
  );
}

function TransactionPanel(props: {
  txn: Txn;
  canAct: boolean;
  busy: boolean;
  onAccept: (index: number) => void;
  onReject: () => void;
  onMatch: (allocations: { invoiceId: string; amountCents: number }[]) => void;
  otherRef: { current: HTMLInputElement | null };
}) {
  const { api } = useApp();
  const m = t().review;
  const { txn } = props;
  const suggestions = txn.match?.suggestions ?? [];
  const invoices = useData(
    () =>
      loadInvoices(
        api,
        suggestions.flatMap((s) => s.allocations.map((a) => a.invoiceId)),
      ),
    [txn.transactionId],
  );
  const [other, setOther] = useState('');
  const [otherError, setOtherError] = useState<string>();

  const submitOther = async (e: Event) => {
    e.preventDefault();
    const picked = parsePicked(other, parseEuros);
    if (typeof picked === 'string' || picked.length === 0)
      return setOtherError(`${m.otherHelp} (${typeof picked === 'string' ? picked : ''})`);
    const found = await loadInvoices(
      api,
      picked.map((p) => p.invoiceId),
    );
    const unknown = picked.find((p) => !found.has(p.invoiceId));
    if (unknown) return setOtherError(`${unknown.invoiceId} : ${t().invoices.notFound}`);
    setOtherError(undefined);
    props.onMatch(planAllocations(txn.amountCents, picked, (id) => found.get(id)?.openCents ?? 0));
  };

  return (
    <article class="panel" aria-labelledby="txn-title">
      <h2 id="txn-title">
        {money(txn.amountCents, txn.currency)} — {txn.counterpartyName ?? '—'}
      </h2>
      <dl class="facts">
        <dt>{m.label}</dt>
        <dd>{[txn.label, ...txn.remittance.unstructured, ...txn.remittance.structured].join(' · ')}</dd>
        <dt>{m.payer}</dt>
        <dd>{txn.counterpartyName ?? '—'}</dd>
        <dt>{m.booked}</dt>
        <dd>{date(txn.bookingDate)}</dd>
      </dl>
      <h3>{m.reasons}</h3>
      <ul>
        {(txn.match?.reasons ?? []).map((r) => (
          <Reason key={r} text={r} />
        ))}
      </ul>
      <h3>{m.candidates}</h3>
      {suggestions.length === 0 && <p>{m.unmatched}</p>}
      <div class="candidates">
        {suggestions.map((s, i) => (
          <section class="candidate" key={i} aria-label={`${i + 1}`}>
            <h4>
              {i + 1}. {m.confidence(Math.round(s.confidence * 100))}
            </h4>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t().invoices.number}</th>
                  <th scope="col">{m.owedNow}</th>
                  <th scope="col">{m.amount}</th>
                  <th scope="col">{m.leaves}</th>
                </tr>
              </thead>
              <tbody>
                {s.allocations.map((a) => {
                  const inv = invoices.data?.get(a.invoiceId);
                  return (
                    <tr key={a.invoiceId}>
                      <td>
                        <Link href={`/factures/${encodeURIComponent(a.invoiceId)}`}>{a.invoiceId}</Link>
                        {inv ? ` (${inv.customerId})` : ''}
                      </td>
                      <td class="num">{inv ? money(inv.openCents) : '…'}</td>
                      <td class="num">{money(a.amountCents)}</td>
                      <td class="num">{inv ? money(Math.max(0, inv.openCents - a.amountCents)) : '…'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <ul class="reasons">
              {s.reasons.map((r) => (
                <Reason key={r} text={r} />
              ))}
            </ul>
            {props.canAct && (
              <button
                type="button"
                class="primary"
                disabled={props.busy}
                onClick={() => props.onAccept(i)}
                title={m.acceptKey}
              >
                {m.accept} ({i + 1})
              </button>
            )}
          </section>
        ))}
      </div>
      {props.canAct && (
        <>
          <form class="other" onSubmit={(e) => void submitOther(e)}>
            <label for="other-invoices">{m.other}</label>
            <input
              id="other-invoices"
              ref={props.otherRef}
              value={other}
              onInput={(e) => setOther((e.target as HTMLInputElement).value)}
              aria-describedby="other-help"
              autocomplete="off"
            />
            <small id="other-help">{otherError ?? m.otherHelp}</small>
            <button type="submit" disabled={props.busy || other.trim() === ''}>
              {m.apply}
            </button>
          </form>
          <button type="button" class="danger" disabled={props.busy} onClick={props.onReject}>
            {m.reject} (R)
          </button>
        </>
      )}
    </article>
  );
}
