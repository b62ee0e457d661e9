/**
 * A small evaluator of DynamoDB condition, key-condition and update expressions, enough for what the adapters write:
 * AND / OR / NOT, parentheses, = <> < <= > >=, BETWEEN, attribute_exists, attribute_not_exists, begins_with, dotted
 * paths with #name placeholders; updates made of SET a = :v (or if_not_exists(a, :v)) and REMOVE a, b.
 */
type Item = Record<string, any>;
interface Ctx {
  names: Record<string, string>;
  values: Record<string, unknown>;
}

function tokenize(expr: string): string[] {
  return expr.match(/<>|<=|>=|[()=<>,]|[#:]?[A-Za-z0-9_.#]+/g) ?? [];
}

function resolvePath(token: string, ctx: Ctx): string[] {
  return token.split('.').map((p) => (p.startsWith('#') ? (ctx.names[p] ?? p) : p));
}

function get(item: Item | undefined, path: string[]): unknown {
  let v: any = item;
  for (const p of path) v = v?.[p];
  return v;
}

/** Evaluates a condition (or key condition) on an item; an absent item has no attribute. */
export function evaluateCondition(expr: string, item: Item | undefined, ctx: Ctx): boolean {
  const tokens = tokenize(expr);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (expected && t?.toUpperCase() !== expected)
      throw new Error(`fake expression: expected ${expected} in "${expr}", got ${t}`);
    return t;
  };
  const operand = (): unknown => {
    const t = take();
    if (t.startsWith(':')) return ctx.values[t];
    return get(item, resolvePath(t, ctx));
  };
  const primary = (): boolean => {
    const t = peek();
    if (t === '(') {
      take();
      const v = or();
      take(')');
      return v;
    }
    const fn = t.toLowerCase();
    if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
      take();
      take('(');
      const exists = get(item, resolvePath(take(), ctx)) !== undefined;
      take(')');
      return fn === 'attribute_exists' ? exists : !exists;
    }
    if (fn === 'begins_with') {
      take();
      take('(');
      const a = operand();
      take(',');
      const b = operand();
      take(')');
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    }
    const left = operand();
    const op = take();
    if (op.toUpperCase() === 'BETWEEN') {
      const lo = operand();
      take('AND');
      const hi = operand();
      return left !== undefined && (left as any) >= (lo as any) && (left as any) <= (hi as any);
    }
    const right = operand();
    if (left === undefined || right === undefined) return op === '<>' && left !== right;
    switch (op) {
      case '=':
        return JSON.stringify(left) === JSON.stringify(right);
      case '<>':
        return JSON.stringify(left) !== JSON.stringify(right);
      case '<':
        return (left as any) < (right as any);
      case '<=':
        return (left as any) <= (right as any);
      case '>':
        return (left as any) > (right as any);
      case '>=':
        return (left as any) >= (right as any);
    }
    throw new Error(`fake expression: unsupported operator ${op} in "${expr}"`);
  };
  const not = (): boolean => {
    if (peek()?.toUpperCase() === 'NOT') {
      take();
      return !not();
    }
    return primary();
  };
  const and = (): boolean => {
    let v = not();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      const r = not();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      const r = and();
      v = v || r;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`fake expression: could not read "${expr}"`);
  return result;
}

/** Applies `SET a = :v, b = if_not_exists(b, :w)` and `REMOVE a, b` clauses to a copy of the item. */
export function applyUpdate(expr: string, item: Item, ctx: Ctx): Item {
  const next = structuredClone(item);
  const clauses = expr
    .split(/\b(SET|REMOVE)\b/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (let k = 0; k < clauses.length; k += 2) {
    const kind = clauses[k];
    for (const part of clauses[k + 1].split(/,(?![^(]*\))/).map((s) => s.trim())) {
      if (kind === 'REMOVE') {
        const path = resolvePath(part, ctx);
        let target: any = next;
        for (const p of path.slice(0, -1)) target = target?.[p];
        if (target) delete target[path[path.length - 1]];
        continue;
      }
      const [lhs, rhs] = part.split('=').map((s) => s.trim());
      const path = resolvePath(lhs, ctx);
      const ifNotExists = /^if_not_exists\(\s*([^,]+),\s*(:\w+)\s*\)$/.exec(rhs);
      const value = ifNotExists
        ? (get(next, resolvePath(ifNotExists[1], ctx)) ?? ctx.values[ifNotExists[2]])
        : ctx.values[rhs];
      let target: any = next;
      for (const p of path.slice(0, -1)) target = target[p] ??= {};
      target[path[path.length - 1]] = structuredClone(value);
    }
  }
  return next;
}
