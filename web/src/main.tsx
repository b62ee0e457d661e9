import { render } from 'preact';
import { makeApi } from './api/client';
import { App } from './app';
import { signIn } from './auth';
import { loadConfig } from './config';
import { lang } from './i18n';
import './styles.css';

async function start() {
  document.documentElement.lang = lang.value;
  const root = document.getElementById('app') as HTMLElement;
  try {
    const config = await loadConfig();
    const session = await signIn(config);
    if (!session) return; // on its way to the login page
    render(<App api={makeApi(config.apiBase, session.token)} session={session} />, root);
  } catch (err) {
    root.textContent = `encaisse: ${(err as Error).message}`;
  }
}
void start();
