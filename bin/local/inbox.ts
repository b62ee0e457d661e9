import { existsSync, type FSWatcher, mkdirSync, watch } from 'node:fs';
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IngestDelivery } from './stack';

/**
 * Watches a local folder as a user's drop zone: a file dropped in `dir` is put into local S3 under inbox/<name>
 * (which triggers the ingest binding), then moved to `dir`/.done/ (a later file of the same name gets a suffix).
 * Files already there at start are picked up too. Hidden files and sub-folders are ignored.
 */
export function watchInbox(opts: {
  dir: string;
  put: (name: string, bytes: Uint8Array) => Promise<IngestDelivery>;
  log: (line: string) => void;
}): { close(): Promise<void> } {
  const done = path.join(opts.dir, '.done');
  mkdirSync(done, { recursive: true });
  const busy = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let closed = false;

  const settle = async (file: string) => {
    // Wait until the size stops changing (a copy in progress).
    let last = -1;
    for (let i = 0; i < 50; i++) {
      const s = await stat(file).catch(() => undefined);
      if (!s?.isFile()) return false;
      if (s.size === last) return true;
      last = s.size;
      await new Promise((r) => setTimeout(r, 150));
    }
    return true;
  };

  const handle = (name: string) => {
    if (closed || name.startsWith('.') || busy.has(name)) return;
    const file = path.join(opts.dir, name);
    busy.add(name);
    const task = (async () => {
      try {
        if (!(await settle(file))) return;
        const bytes = await readFile(file);
        opts.log(`inbox: ${name} (${bytes.length} bytes) -> s3://…/inbox/${name}`);
        const delivery = await opts.put(name, bytes);
        let target = path.join(done, name);
        if (existsSync(target)) target = path.join(done, `${Date.now()}-${name}`);
        await rename(file, target);
        if (delivery.error) opts.log(`inbox: ${name} moved to .done/ (ingest failed: ${delivery.error.message})`);
        else opts.log(`inbox: ${name} processed, moved to .done/`);
      } catch (err) {
        opts.log(`inbox: ${name}: ${(err as Error).message}`);
      } finally {
        busy.delete(name);
      }
    })();
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(opts.dir, (_event, name) => name && handle(String(name)));
  } catch (err) {
    opts.log(`inbox: cannot watch ${opts.dir}: ${(err as Error).message}`);
  }
  void readdir(opts.dir).then((names) => names.forEach(handle));
  return {
    async close() {
      closed = true;
      watcher?.close();
      await Promise.allSettled([...tasks]);
    },
  };
}
