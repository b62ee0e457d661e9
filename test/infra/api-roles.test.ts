import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../functions/api/auth';
import { HttpProblem } from '../../functions/api/http';
import { resourcesOfType, synthesizeForAssertions } from './support';

/**
 * The groups the stack creates in the user pool are the groups the API accepts, read from the synthesized template
 * (a test written with the code's own spelling passed while the deployed group was `read-only` and the API wanted
 * `readonly`, locking every read-only user out in AWS).
 */
const { json } = synthesizeForAssertions();
const deployedGroups = resourcesOfType(json, 'AWS::Cognito::UserPoolGroup')
  .map(([, g]) => g.Properties!.GroupName as string)
  .sort();

function roleOf(groupsClaim: string): string {
  const event = {
    requestContext: {
      authorizer: { jwt: { claims: { sub: 'u1', email: 'anne@pme.fr', 'cognito:groups': groupsClaim } } },
    },
  };
  try {
    return authenticate(event, {}).role;
  } catch (err) {
    if (err instanceof HttpProblem && err.type === 'forbidden') return 'refused';
    throw err;
  }
}

describe('Cognito groups of the stack and roles of the API', () => {
  beforeAll(() => {
    process.env.AUTH_MODE = 'jwt';
  });

  it('the stack creates two groups', () => {
    expect(deployedGroups).toHaveLength(2);
  });

  it('a member of each deployed group gets a role: finance, and read-only for the other', () => {
    const roles = Object.fromEntries(deployedGroups.map((g) => [g, roleOf(`[${g}]`)]));
    expect(Object.values(roles).sort()).toEqual(['finance', 'readonly']);
    // The claim as API Gateway passes it for a user in both groups, in the template's spelling.
    expect(roleOf(`[${deployedGroups.join(' ')}]`)).toBe('finance');
  });

  it('no other spelling of a group gives a role', () => {
    for (const other of ['readonly', 'read_only', 'ReadOnly', 'Finance', 'admin']) {
      if (!deployedGroups.includes(other)) expect(roleOf(`[${other}]`), other).toBe('refused');
    }
  });
});
