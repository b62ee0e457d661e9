/**
 * English wordings read back by their pattern and rewritten in French: `[/^invoice (.*) is paid$/, (id) => …]`, the
 * function given the pattern's groups. The API's problem details and the import report word their English this way;
 * each has a test that collects every wording from the sources and fails when no rule knows one.
 */
export type Rule = readonly [RegExp, (...groups: string[]) => string];

/** The first rule's rewriting of `text`, or undefined when no rule knows it. */
export function rewrite(rules: readonly Rule[], text: string): string | undefined {
  for (const [pattern, word] of rules) {
    const m = pattern.exec(text);
    if (m) return word(...m.slice(1).map((g) => g ?? ''));
  }
  return undefined;
}
