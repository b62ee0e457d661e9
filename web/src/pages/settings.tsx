import { useState } from 'preact/hooks';
import { etag, ok } from '../api/client';
import { changesOnly, lineDiff } from '../components/diff';
import { t } from '../i18n';
import { Async, Page, useAction, useApp, useCanAct, useData } from '../ui';

/** A JSON document edited as text, the changes shown line by line before it is saved. */
function JsonEditor(props: {
  id: string;
  label: string;
  value: unknown;
  onSave: (next: unknown) => Promise<unknown>;
  reload: () => Promise<void>;
}) {
  const m = t().settings;
  const original = JSON.stringify(props.value, null, 2);
  const [text, setText] = useState(original);
  const [reviewing, setReviewing] = useState(false);
  const { busy, run } = useAction();
  let parsed: unknown;
  let invalid: string | undefined;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    invalid = `${m.invalidJson}: ${(err as Error).message}`;
  }
  const diff = invalid ? [] : changesOnly(lineDiff(original, JSON.stringify(parsed, null, 2)));
  const changed = diff.some((d) => d !== '…' && d.op !== ' ');
  return (
    <div class="editor">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        rows={14}
        spellcheck={false}
        value={text}
        onInput={(e) => {
          setText((e.target as HTMLTextAreaElement).value);
          setReviewing(false);
        }}
        aria-invalid={invalid ? 'true' : undefined}
      />
      {invalid && <p class="error">{invalid}</p>}
      {!reviewing ? (
        <button type="button" disabled={!!invalid || !changed} onClick={() => setReviewing(true)}>
          {m.diff}
        </button>
      ) : (
        <section class="diff" aria-label={m.diff}>
          <h4>{m.diff}</h4>
          <pre>
            {diff.map((d, i) =>
              d === '…' ? (
                <div key={i}>…</div>
              ) : (
                <div key={i} class={d.op === '+' ? 'add' : d.op === '-' ? 'del' : ''}>{`${d.op} ${d.text}`}</div>
              ),
            )}
          </pre>
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={() => run(() => props.onSave(parsed), m.saved, props.reload)}
          >
            {t().save}
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              setText(original);
              setReviewing(false);
            }}
          >
            {t().cancel}
          </button>
        </section>
      )}
    </div>
  );
}

export function SettingsPage() {
  const { api } = useApp();
  const canAct = useCanAct();
  const m = t().settings;
  const policies = useData(async () => ok(await api.GET('/policies', { params: { query: { limit: 200 } } })).items, []);
  const rates = useData(async () => (canAct ? ok(await api.GET('/rates')) : undefined), [canAct]);
  return (
    <Page title={m.title} wide>
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">{m.policies}</h2>
        <Async state={policies}>
          {(items) => (
            <ul class="plain">
              {items.map((p) => {
                const { policyId, version, ...body } = p;
                return (
                  <li key={`${policyId}${version}`} class="card">
                    <h3>
                      {policyId} <small>{m.version(version)}</small>
                    </h3>
                    {canAct ? (
                      <JsonEditor
                        id={`policy-${policyId}`}
                        label={m.editJson}
                        value={body}
                        reload={policies.reload}
                        onSave={async (next) =>
                          ok(
                            await api.PUT('/policies/{policyId}', {
                              params: { path: { policyId }, header: { 'If-Match': etag(version) } },
                              body: next as never,
                            }),
                          )
                        }
                      />
                    ) : (
                      <pre class="json">{JSON.stringify(body, null, 2)}</pre>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </Async>
      </section>
      <section aria-labelledby="rates-title" id="taux">
        <h2 id="rates-title">{m.rates}</h2>
        <p>{m.ratesHelp}</p>
        {!canAct ? (
          <p>{m.readOnlyRates}</p>
        ) : (
          <Async state={rates}>
            {(r) =>
              r && (
                <>
                  {r.missing.length > 0 && (
                    <p class="warn">
                      {m.missing} : {r.missing.map((x) => x.half).join(', ')}
                    </p>
                  )}
                  <JsonEditor
                    id="rates-override"
                    label={m.editJson}
                    value={
                      r.override
                        ? {
                            ecbMro: r.override.ecbMro,
                            ecbMroKnownThrough: r.override.ecbMroKnownThrough,
                            legalRate: r.override.legalRate,
                            source: r.override.source,
                            provenance: r.override.provenance,
                          }
                        : {
                            ecbMro: [],
                            ecbMroKnownThrough: r.table.ecbMroKnownThrough,
                            legalRate: [],
                            source: '',
                            provenance: [],
                          }
                    }
                    reload={rates.reload}
                    onSave={async (next) =>
                      ok(
                        await api.PUT('/rates', {
                          params: { header: { 'If-Match': r.override ? etag(r.override.version) : '*' } },
                          body: next as never,
                        }),
                      )
                    }
                  />
                </>
              )
            }
          </Async>
        )}
      </section>
    </Page>
  );
}
