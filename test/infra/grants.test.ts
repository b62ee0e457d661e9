import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionNames, projectRoot } from '../../lib/shared/function';
import { flat, functionId, resourcesOfType, roleStatements, synthesizeForAssertions } from './support';

const { json } = synthesizeForAssertions();

/**
 * A reference as the reader knows it: logical ids without their hash suffix (`<StorageTable1A2B3C4D.Arn>` ->
 * `<StorageTable.Arn>`).
 */
const readable = (s: string) =>
  s.replace(/<([A-Za-z0-9]+?)[0-9A-F]{8}(\.|>)/g, '<$1$2').replace(/"Ref":"([A-Za-z0-9]+?)[0-9A-F]{8}"/g, '"Ref":"$1"');

/**
 * Every Allow statement of a function's role, one line per action: `action resource[, resource] [condition]`, sorted.
 */
function grantsOf(name: string): string[] {
  return roleStatements(json, functionId(json, name))
    .flatMap((s) => {
      const resources = ([] as unknown[])
        .concat(s.Resource)
        .map((r) => readable(flat(r)))
        .sort()
        .join(', ');
      const condition = s.Condition ? ` if ${readable(JSON.stringify(s.Condition))}` : '';
      return ([] as string[]).concat(s.Action).map((a) => `${a} ${resources}${condition}`);
    })
    .sort();
}

describe('grants, function by function (the whole permission model, pinned)', () => {
  it('every function of the stack is pinned here', () => {
    expect(
      resourcesOfType(json, 'AWS::Lambda::Function').filter(([, f]) => f.Metadata?.['encaisse:entry']),
    ).toHaveLength(functionNames.length);
  });

  it.each(functionNames)('%s is granted exactly what its code calls', (name) => {
    expect(grantsOf(name)).toMatchSnapshot();
  });
});

describe('who grants', () => {
  it(
    'the stack only wires: each construct grants the functions it is handed, so no grant is written in the ' + 'stack',
    () => {
      const stack = readFileSync(path.join(projectRoot, 'lib/encaisse-stack.ts'), 'utf8');
      expect(stack).not.toMatch(
        /\ballow(Table|TableItems|Objects|Workflow|SendEmail)\(|addToPrincipalPolicy|\.grant\w*\(/,
      );
    },
  );
});
