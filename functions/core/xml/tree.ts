/**
 * A small XML element tree and the walks the readers make in it (e-invoices; the camt reader has the same shape, built
 * from scanner.ts events). No parser here: the e-invoice reader parses with saxes under its own hardening and error
 * type; camt reads with scanner.ts.
 */

/** An element: local name (prefix dropped), attributes, children, own text. */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  text: string;
}

/** 'cbc:ID' -> 'ID'. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The first descendant along a path of local names. */
export function child(node: XNode | undefined, ...path: string[]): XNode | undefined {
  let cur = node;
  for (const name of path) {
    cur = cur?.children.find((c) => c.name === name);
    if (!cur) return undefined;
  }
  return cur;
}

/** Every child with that local name at the end of the path. */
export function childrenAt(node: XNode | undefined, ...path: string[]): XNode[] {
  if (!node || path.length === 0) return [];
  const parent = child(node, ...path.slice(0, -1));
  const last = path[path.length - 1];
  return parent ? parent.children.filter((c) => c.name === last) : [];
}

/** Text at a path (the node itself without one), blanks folded and trimmed; undefined when absent or blank. */
export function text(node: XNode | undefined, ...path: string[]): string | undefined {
  const n = path.length ? child(node, ...path) : node;
  const t = n?.text.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}
