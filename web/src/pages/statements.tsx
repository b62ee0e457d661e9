import { useRef, useState } from 'preact/hooks';
import { type Api, messageOf, ok } from '../api/client';
import { bytes, date } from '../format';
import { t } from '../i18n';
import { Async, Page, say, useAction, useApp, useCanAct, useData } from '../ui';

/** Same limit as the API's presigned form (the form refuses a larger file anyway). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Asks the API for a presigned POST, then posts the file straight to S3 (the API never sees the bytes). */
export async function uploadStatement(api: Api, file: File): Promise<string> {
  const form = ok(await api.POST('/console/statement-upload', { body: { fileName: file.name, sizeBytes: file.size } }));
  const body = new FormData();
  for (const [k, v] of Object.entries(form.fields)) body.append(k, v);
  body.append('file', file);
  const res = await fetch(form.url, { method: 'POST', body });
  if (!res.ok) throw new Error(`S3: HTTP ${res.status}`);
  return form.key;
}

function DropZone(props: { onDone: () => Promise<void> }) {
  const { api } = useApp();
  const m = t().statements;
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const send = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) return say(m.tooBig(bytes(MAX_UPLOAD_BYTES)), 'error');
    say(m.uploading(file.name));
    try {
      const key = await uploadStatement(api, file);
      say(m.uploaded(file.name));
      await props.onDone();
      // The ingest runs on the S3 event: the list is read again until the file's record is settled (30 s at most).
      for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const page = await api.GET('/statements', { params: { query: { limit: 50 } } });
        if (page.data?.items.some((s) => s.sourceKey === key && s.status !== 'processing')) break;
      }
      await props.onDone();
    } catch (err) {
      say(err instanceof Error && err.message.startsWith('S3') ? err.message : messageOf(err), 'error');
    }
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: mouse drop target; the file input inside is the keyboard path
    <div
      class={`dropzone ${over ? 'over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void send(e.dataTransfer?.files[0]);
      }}
    >
      <p>{m.drop}</p>
      <label class="button">
        {m.choose}
        <input ref={input} type="file" class="sr-only" onChange={() => void send(input.current?.files?.[0])} />
      </label>
    </div>
  );
}

/** A rejection in words by its code, the parser's message as a tooltip; an unknown code shows the message itself. */
function RejectReason(props: { error: { code: string; message: string; line?: number } }) {
  const m = t().statements;
  const { code, message, line } = props.error;
  const words = m.errors[code];
  const where = line ? ` (${m.line(line)})` : '';
  return words ? <span title={m.technical(message)}>{words + where}</span> : <span>{message + where}</span>;
}

export function StatementsPage() {
  const { api } = useApp();
  const canAct = useCanAct();
  const m = t().statements;
  const state = useData(async () => ok(await api.GET('/statements', { params: { query: { limit: 50 } } })).items, []);
  const { busy, run } = useAction();
  return (
    <Page title={m.title} wide>
      {canAct && <DropZone onDone={state.reload} />}
      <Async state={state}>
        {(items) => (
          <div class="table-wrap">
            <table data-testid="statements">
              <caption class="sr-only">{m.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.file}</th>
                  <th scope="col">{m.received}</th>
                  <th scope="col">{m.status}</th>
                  <th scope="col">{m.counts}</th>
                  <th scope="col">{m.reason}</th>
                  {canAct && (
                    <th scope="col">
                      <span class="sr-only">{m.reprocess}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.checksum} id={`statement-${s.checksum}`}>
                    <td>{s.sourceKey.split('/').at(-1)}</td>
                    <td>{date(s.receivedAt)}</td>
                    <td class={`status-${s.status}`}>{m.statusNames[s.status] ?? s.status}</td>
                    <td>{s.counts ? m.countsText(s.counts) : '—'}</td>
                    <td>{s.error && <RejectReason error={s.error} />}</td>
                    {canAct && (
                      <td>
                        {s.status === 'rejected' && (
                          <button
                            type="button"
                            disabled={busy}
                            onClick={() =>
                              run(
                                async () =>
                                  ok(
                                    await api.POST('/statements/{checksum}/reprocess', {
                                      params: { path: { checksum: s.checksum } },
                                    }),
                                  ),
                                m.requeued,
                                state.reload,
                              )
                            }
                          >
                            {m.reprocess}
                          </button>
                        )}
                      </td>
                    )}
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
