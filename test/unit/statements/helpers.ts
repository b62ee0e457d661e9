import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixture(name: string): Uint8Array {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/statements/${name}`, import.meta.url)));
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function latin1(text: string): Uint8Array {
  return Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0xff));
}
