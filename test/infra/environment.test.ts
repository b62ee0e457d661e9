import { describe, expect, it } from 'vitest';
import { settings } from '../../functions/adapters/config';
import { type FunctionName, functionNames } from '../../lib/shared/function';
import { functionId, shippedCode, synthesizeForAssertions } from './support';

const { json } = synthesizeForAssertions();

/** The top-level keys of the object literal whose `{` is at `open` in `code` (strings and comments skipped). */
function keysOfLiteral(code: string, open: number): string[] {
  let depth = 0;
  let top = '';
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (code.startsWith('/*', i)) i = code.indexOf('*/', i + 2) + 1;
    else if (code.startsWith('//', i)) i = code.indexOf('\n', i);
    else if (c === '"' || c === "'" || c === '`') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
      if (depth === 1) top += '""';
    } else if ('{(['.includes(c)) {
      depth++;
      if (depth === 1) top += ',';
    } else if ('})]'.includes(c)) {
      depth--;
      if (depth === 0) break;
    } else if (depth === 1) top += c;
  }
  return [...top.matchAll(/,\s*([A-Za-z_]\w*)\s*:/g)].map((m) => m[1]);
}

/**
 * The environment variables a function's shipped code reads: `process.env.X`, `env.X` (a function given the
 * environment), and the keys of every shape handed to readEnv (an object literal or a named one). A read this cannot
 * name (a computed `process.env[...]`, an unknown shape) is returned in `unreadable`, so a new way of reading the
 * environment fails here instead of going unchecked.
 */
function environmentRead(name: FunctionName): { names: string[]; unreadable: string[] } {
  const code = shippedCode(name);
  const names = new Set<string>();
  const unreadable: string[] = [];
  for (const m of code.matchAll(/\b(?:process\.)?env\d*\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]);
  for (const m of code.matchAll(/\bprocess\.env\[([^\]]*)\]/g)) {
    const literal = /^\s*["']([A-Z0-9_]+)["']\s*$/.exec(m[1]);
    // the local stack's endpoints (functions/adapters/aws-clients.ts), never set in AWS
    if (literal) names.add(literal[1]);
    else if (!/^`LOCAL_\$\{\w+\}_ENDPOINT`$/.test(m[1])) unreadable.push(`process.env[${m[1]}]`);
  }
  for (const m of code.matchAll(/\breadEnv\d*\(\s*(\{|[A-Za-z_$][\w$]*)/g)) {
    if (m[1] === '{') {
      for (const k of keysOfLiteral(code, m.index + m[0].length - 1)) names.add(k);
      continue;
    }
    if (m[1] === 'shape') continue; // requireSettings: the handler's settings list, read below
    const declared = new RegExp(`\\b(?:var|let|const) ${m[1].replace('$', '\\$')} = \\{`).exec(code);
    if (!declared) unreadable.push(`readEnv(${m[1]})`);
    else for (const k of keysOfLiteral(code, declared.index + declared[0].length - 1)) names.add(k);
  }
  return { names: [...names].sort(), unreadable };
}

/** The settings a handler checks at cold start (`settings: [...]` of its runtime(...) or lambda(...) definition). */
function settingsListOf(name: FunctionName): string[] {
  const lists = [...shippedCode(name).matchAll(/\bsettings:\s*\[([^\]]*)\]/g)];
  if (lists.length !== 1) throw new Error(`${name}: expected one settings list, found ${lists.length}`);
  return [...lists[0][1].matchAll(/["']([A-Z0-9_]+)["']/g)].map((m) => m[1]);
}

const environmentOf = (name: FunctionName): Record<string, unknown> =>
  json.Resources[functionId(json, name)].Properties?.Environment?.Variables ?? {};

/**
 * Read by some function, and rightly left unset by the stack: the code's default is the deployed value, or the name
 * only matters on a developer's machine. Everything else a function reads, the stack must set for it.
 */
const unsetByDesign: Record<string, string> = {
  LOG_LEVEL: 'INFO unless an operator sets it on a function',
  POWERTOOLS_SERVICE_NAME: 'encaisse',
  INGEST_GRACE_MINUTES: 'the ingest alert grace, 180 minutes by default',
  FEE_TOLERANCE_CENTS: 'the bank fee a payment may lack, 15 EUR by default',
  CUSTOMER_LINK_KEYS: 'the local stand-in for the link keys secret',
  LOCAL_API_TOKEN: 'local stack only',
  LOCAL_API_READONLY_TOKEN: 'local stack only',
};
/** A setting of functions/adapters/config.ts with a default in the code (the schema accepts it unset). */
const defaulted = (n: string) =>
  n in settings && settings[n as keyof typeof settings].safeParse(undefined).data !== undefined;
/** A setting the code can run without: no cold-start check needed for it. */
const mayBeUnset = (n: string) => n in settings && settings[n as keyof typeof settings].safeParse(undefined).success;

describe('settings follow the code', () => {
  it.each(functionNames)('%s: every way its shipped code reads the environment is understood here', (name) => {
    expect(environmentRead(name).unreadable).toEqual([]);
  });

  it.each(functionNames)(
    '%s: every setting its shipped code reads, even on a rare path, is checked at cold start',
    (name) => {
      const listed = settingsListOf(name);
      const unchecked = environmentRead(name).names.filter(
        (n) => n in settings && !mayBeUnset(n) && !listed.includes(n),
      );
      expect(unchecked).toEqual([]);
    },
  );

  it.each(functionNames)('%s: the stack sets every variable its shipped code reads', (name) => {
    const set = Object.keys(environmentOf(name));
    const read = environmentRead(name).names;
    const missing = [...read, ...settingsListOf(name)].filter(
      (n) =>
        !set.includes(n) && !n.startsWith('AWS_') && !n.startsWith('LOCAL_') && !(n in unsetByDesign) && !defaulted(n),
    );
    expect([...new Set(missing)]).toEqual([]);
  });

  it('no function is deployed with a variable of the local stack', () => {
    const local = functionNames.flatMap((name) =>
      Object.keys(environmentOf(name))
        .filter((n) => n.startsWith('LOCAL_') || n === 'CUSTOMER_LINK_KEYS')
        .map((n) => `${name}: ${n}`),
    );
    expect(local).toEqual([]);
  });

  it('each name left unset by design is still read by some function', () => {
    const read = new Set(functionNames.flatMap((name) => environmentRead(name).names));
    expect(Object.keys(unsetByDesign).filter((n) => !read.has(n))).toEqual([]);
  });
});
