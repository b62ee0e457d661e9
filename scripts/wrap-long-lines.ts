/**
 * The tool that brought every TypeScript line to at most 120 characters (commit "Lines at most 120 characters"), kept
 * for branches written before: splits a long string literal into a concatenation of the same value (after a space,
 * else before a tag or a `${`), wraps a long comment over lines (a trailing one moves above its line), then leaves the
 * rest to `npm run format`. Run it, format, and repeat until `scripts/line-length.ts` is quiet; what remains (regexes,
 * test names the formatter keeps on one line) is split by hand. `MODE=merge` joins two literals on one line again
 * when they fit. Read its diff: it checks no value, tsc and the tests do.
 * Usage: npx tsx scripts/wrap-long-lines.ts $(git ls-files '*.ts' '*.tsx') && npm run format
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';

const MAX = 120;
const files = process.argv.slice(2);
let changedFiles = 0;

type Edit = { start: number; end: number; text: string };

function lineStarts(text: string): number[] {
  const s = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') s.push(i + 1);
  return s;
}

const SAFE_PARENTS = new Set([
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.NewExpression,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ReturnStatement,
  ts.SyntaxKind.ArrayLiteralExpression,
  ts.SyntaxKind.ConditionalExpression,
  ts.SyntaxKind.ParenthesizedExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.TemplateSpan,
  ts.SyntaxKind.BinaryExpression,
  ts.SyntaxKind.ThrowStatement,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.Parameter,
  ts.SyntaxKind.ShorthandPropertyAssignment,
  ts.SyntaxKind.SpreadElement,
  ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.JsxExpression,
  ts.SyntaxKind.ExpressionStatement,
  ts.SyntaxKind.BindingElement,
]);

function fixFile(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  const starts = lineStarts(text);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineText = (l: number) => text.slice(starts[l], (starts[l + 1] ?? text.length + 1) - 1);
  const longLines = new Set<number>();
  for (let l = 0; l < starts.length; l++) if ([...lineText(l)].length > MAX) longLines.add(l);
  if (longLines.size === 0) return false;
  const sf = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const edits: Edit[] = [];
  const doneLines = new Set<number>();
  const indentOf = (l: number) => /^\s*/.exec(lineText(l))![0];

  // comments
  const seen = new Set<number>();
  const visitComments = (node: ts.Node) => {
    for (const ranges of [
      ts.getLeadingCommentRanges(text, node.getFullStart()),
      ts.getTrailingCommentRanges(text, node.getEnd()),
    ]) {
      for (const r of ranges ?? []) {
        if (seen.has(r.pos)) continue;
        seen.add(r.pos);
        handleComment(r);
      }
    }
    ts.forEachChild(node, visitComments);
  };
  const handleComment = (r: ts.CommentRange) => {
    const c = text.slice(r.pos, r.end);
    if (/biome-ignore|https?:\/\//.test(c)) return;
    const l0 = lineOf(r.pos);
    if (r.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
      if (!longLines.has(l0) || doneLines.has(l0)) return;
      const before = text.slice(starts[l0], r.pos);
      const words = c.replace(/^\/\/\s?/, '');
      const alone = before.trim() === '';
      const indent = alone ? before : indentOf(l0);
      const lines: string[] = [];
      let cur = '';
      for (const w of words.split(' ')) {
        if (cur && indent.length + 3 + cur.length + 1 + w.length > MAX) {
          lines.push(cur);
          cur = w;
        } else cur = cur ? `${cur} ${w}` : w;
      }
      if (cur) lines.push(cur);
      const block = lines.map((x) => `${indent}// ${x}`).join('\n');
      if (alone) {
        edits.push({ start: starts[l0], end: r.end, text: block });
      } else {
        if (before.includes('`')) return; // inside template? leave
        // move above the code line
        const code = before.replace(/\s+$/, '');
        edits.push({ start: starts[l0], end: r.end, text: `${block}\n${code}` });
      }
      doneLines.add(l0);
      return;
    }
    // block comment: split long lines
    const l1 = lineOf(r.end);
    for (let l = l0; l <= l1; l++) {
      if (!longLines.has(l) || doneLines.has(l)) continue;
      const lt = lineText(l);
      const ls = starts[l];
      if (l0 === l1) {
        // one-line /** ... */ or /* ... */
        const before = text.slice(ls, r.pos);
        if (before.trim() !== '') continue;
        const m = /^\/\*(\*?)\s*([\s\S]*?)\s*\*\/$/.exec(c);
        if (!m) continue;
        const indent = before;
        const lines: string[] = [];
        let cur = '';
        for (const w of m[2].split(' ')) {
          if (cur && indent.length + 3 + cur.length + 1 + w.length > MAX) {
            lines.push(cur);
            cur = w;
          } else cur = cur ? `${cur} ${w}` : w;
        }
        if (cur) lines.push(cur);
        const block = `${indent}/*${m[1]}\n${lines.map((x) => `${indent} * ${x}`).join('\n')}\n${indent} */`;
        edits.push({ start: ls, end: r.end, text: block });
        doneLines.add(l);
        continue;
      }
      const pm = /^(\s*\*\s+|\s*\/\*\*?\s+|\s+)/.exec(lt);
      if (!pm) continue;
      let prefix = pm[1];
      if (/\/\*/.test(prefix)) prefix = prefix.replace(/\/\*\*?/, ' *');
      if (l === l1 && lt.trimEnd().endsWith('*/')) continue; // leave closing line
      const parts: string[] = [];
      let rest = lt;
      let first = true;
      while ([...rest].length > MAX) {
        let cut = -1;
        for (let i = MAX; i > (first ? pm[1].length : prefix.length) + 10; i--)
          if (rest[i] === ' ' && rest[i - 1] !== ' ') {
            cut = i;
            break;
          }
        if (cut < 0) break;
        parts.push(rest.slice(0, cut));
        rest = prefix + rest.slice(cut + 1);
        first = false;
      }
      parts.push(rest);
      if (parts.length > 1) {
        edits.push({ start: ls, end: ls + lt.length, text: parts.join('\n') });
        doneLines.add(l);
      }
    }
  };
  visitComments(sf);

  // strings
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const l = lineOf(node.getStart());
      const lEnd = lineOf(node.getEnd());
      let target = -1;
      for (let k = l; k <= lEnd; k++)
        if (longLines.has(k) && !doneLines.has(k)) {
          target = k;
          break;
        }
      if (target >= 0 && node.getEnd() - node.getStart() > 30 && tryString(node, l, target)) {
        doneLines.add(target);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  const tryString = (
    node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression,
    l: number,
    target: number,
  ): boolean => {
    const p = node.parent;
    if (ts.isTaggedTemplateExpression(p)) return false;
    if (
      ts.isLiteralTypeNode(p) ||
      ts.isImportDeclaration(p) ||
      ts.isExportDeclaration(p) ||
      ts.isExternalModuleReference(p)
    )
      return false;
    if (
      (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) &&
      p.name === node
    )
      return false;
    if (ts.isJsxAttribute(p)) return false;
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (
        [
          ts.SyntaxKind.AsteriskToken,
          ts.SyntaxKind.SlashToken,
          ts.SyntaxKind.PercentToken,
          ts.SyntaxKind.AsteriskAsteriskToken,
        ].includes(op)
      )
        return false;
      if (op === ts.SyntaxKind.PlusToken && p.right === node) {
        /* ok */
      }
    }
    if (ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) return false;
    const needParens = !SAFE_PARENTS.has(p.kind) || (ts.isCallExpression(p) && p.expression === node);
    const raw = node.getText(sf);
    const quote = raw[0];
    const bodyStart = node.getStart() + 1;
    // the window of body offsets lying on the target line, up to MAX - 4 columns
    const lineBeg = Math.max(bodyStart, starts[target]);
    const limitPos = starts[target] + MAX - 4 - (needParens ? 1 : 0);
    const lo = lineBeg - bodyStart + 8;
    const hi = Math.min(limitPos - bodyStart, raw.length - 3);
    if (hi <= lo) return false;
    const body = raw.slice(1, -1);
    let protect = (_i: number) => false;
    if (ts.isTemplateExpression(node)) {
      const inSub: [number, number][] = [];
      for (const span of node.templateSpans) {
        const s0 = span.expression.getFullStart() - bodyStart - 2;
        const e0 = span.literal.getStart() - bodyStart;
        inSub.push([s0, e0]);
      }
      protect = (i: number) => inSub.some(([s0, e0]) => i > s0 && i <= e0);
    }
    const escaped = (i: number) => {
      let b = 0;
      for (let j = i - 1; j >= 0 && body[j] === '\\'; j--) b++;
      return b % 2 === 1;
    };
    const ok = (i: number) =>
      i > 0 && i < body.length && !protect(i) && !escaped(i) && body[i - 1] !== '\n' && body[i] !== '\n';
    let at = -1;
    for (const good of [
      (i: number) => body[i - 1] === ' ' && body[i] !== ' ',
      (i: number) => body[i] === '<' && body[i + 1] !== '/',
      (i: number) => body[i] === '<',
      (i: number) => body[i] === '$' && body[i + 1] === '{',
      (i: number) => /[,;:|)]/.test(body[i - 1]),
    ]) {
      for (let i = hi; i >= lo && at < 0; i--) if (ok(i) && good(i)) at = i;
      if (at >= 0) break;
    }
    if (at < 0) return false;
    const a = `${quote}${body.slice(0, at)}${quote}`;
    const b = `${quote}${body.slice(at)}${quote}`;
    let repl = `${a} +\n${indentOf(l)}  ${b}`;
    if (needParens) repl = `(${repl})`;
    edits.push({ start: node.getStart(), end: node.getEnd(), text: repl });
    return true;
  };
  visit(sf);
  if (edits.length === 0) return false;
  edits.sort((x, y) => y.start - x.start);
  let out = text;
  let lastStart = Infinity;
  for (const e of edits) {
    if (e.end > lastStart) continue; // overlapping
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    lastStart = e.start;
  }
  writeFileSync(path, out);
  return true;
}

function mergeFile(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const starts = lineStarts(text);
  const lineOf = (pos: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const edits: Edit[] = [];
  const plain = (n: ts.Node) =>
    ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);
  const isTestName = (n: ts.Node) => {
    let c: ts.Node = n;
    while (ts.isBinaryExpression(c.parent) || ts.isParenthesizedExpression(c.parent)) c = c.parent;
    const p = c.parent;
    return ts.isCallExpression(p) && p.arguments[0] === c && /^(it|test|describe)\b/.test(p.expression.getText(sf));
  };
  const visit = (node: ts.Node) => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
      plain(node.right) &&
      !isTestName(node)
    ) {
      // rightmost literal of left side
      const left: ts.Node = node.left;
      if (plain(left)) {
        const l0 = lineOf(left.getStart());
        const l1 = lineOf(node.right.getEnd());
        const a = left.getText(sf);
        const b = node.right.getText(sf);
        const sameQuote = a[0] === b[0] || a[0] === '`' || b[0] === '`';
        if (sameQuote && !ts.isTaggedTemplateExpression(node.parent)) {
          let merged: string;
          const toTpl = (x: string) =>
            x[0] === '`'
              ? x.slice(1, -1)
              : x.slice(1, -1).replace(/\\'/g, "'").replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
          if (a[0] === b[0] && a[0] !== '`') merged = a.slice(0, -1) + b.slice(1);
          else merged = `\`${toTpl(a)}${toTpl(b)}\``;
          // resulting line: text before left on its line + merged + rest after right on its line
          const lineEndPos = (starts[l1 + 1] ?? text.length + 1) - 1;
          const before = text.slice(starts[l0], left.getStart());
          const after = text.slice(node.right.getEnd(), lineEndPos);
          const candidate = before + merged + after;
          if (
            !candidate.includes('\n') &&
            candidate.length <= MAX - 2 &&
            !a.includes('\n') &&
            !b.includes('\n') &&
            a[0] === b[0]
          ) {
            edits.push({ start: left.getStart(), end: node.right.getEnd(), text: merged });
            return;
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (edits.length === 0) return false;
  edits.sort((x, y) => y.start - x.start);
  let out = text;
  let lastStart = Infinity;
  for (const e of edits) {
    if (e.end > lastStart) continue;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    lastStart = e.start;
  }
  writeFileSync(path, out);
  return true;
}

const mode = process.env.MODE;
for (const f of files) if (mode === 'merge' ? mergeFile(f) : fixFile(f)) changedFiles++;
console.log(`changed ${changedFiles} files`);
