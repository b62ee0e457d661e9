import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type { Api } from './api/client';
import { messageOf } from './api/client';
import type { Session } from './auth';
import { t } from './i18n';
import { signal, useSignal } from './state';

export interface AppContext {
  api: Api;
  session: Session;
}
export const Ctx = createContext<AppContext>(null as never);
export const useApp = () => useContext(Ctx);
/** Whether action buttons show: the read-only role sees none. */
export const useCanAct = () => useApp().session.role === 'finance';

/** Current path; links push to it, the back button pops. */
export const path = signal(typeof location === 'undefined' ? '/' : location.pathname + location.search);
if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => (path.value = location.pathname + location.search));
export function navigate(to: string): void {
  history.pushState(null, '', to);
  path.value = to;
  window.scrollTo(0, 0);
}

export function Link(props: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' }) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** One polite live region for what just happened (saved, conflict explained...). */
export const notice = signal<{ text: string; kind: 'ok' | 'error' } | undefined>(undefined);
export const say = (text: string, kind: 'ok' | 'error' = 'ok') => (notice.value = { text, kind });

export function Notice() {
  const n = useSignal(notice);
  return (
    <div
      class={`notice ${n?.kind ?? ''}`}
      role={n?.kind === 'error' ? 'alert' : 'status'}
      aria-live="polite"
      data-testid="notice"
    >
      {n?.text}
    </div>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads once per key, with reload; the error is already in the reader's words. */
export function useData<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const run = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      setState({ data: await load(), loading: false });
    } catch (err) {
      setState({ error: messageOf(err), loading: false });
    }
  }, key);
  useEffect(() => {
    void run();
  }, [run]);
  return { ...state, reload: run };
}

export function Async<T>(props: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading, reload } = props.state;
  if (error) {
    return (
      <p class="error" role="alert">
        {error}{' '}
        <button type="button" onClick={() => void reload()}>
          {t().retry}
        </button>
      </p>
    );
  }
  if (data === undefined) return <p aria-busy="true">{loading ? t().loading : ''}</p>;
  return <>{props.children(data)}</>;
}

/** Runs an action, says what happened, and reloads: a conflict reloads too, so what is shown is current. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  return {
    busy,
    run: async (fn: () => Promise<unknown>, done: string, after?: () => Promise<void> | void) => {
      setBusy(true);
      try {
        await fn();
        say(done);
      } catch (err) {
        say(messageOf(err), 'error');
      } finally {
        setBusy(false);
        await after?.();
      }
    },
  };
}

export function Page(props: { title: string; children: ComponentChildren; wide?: boolean }) {
  useEffect(() => {
    document.title = `${props.title} — encaisse`;
  }, [props.title]);
  return (
    <section class={props.wide ? 'page wide' : 'page'} aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}
