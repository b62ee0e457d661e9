/**
 * The admin API's roles and the Cognito groups that carry them. One definition for both sides: lib/api creates these
 * groups in the user pool, the api handler reads them from the verified token's `cognito:groups` claim, so a renamed
 * group cannot lock a role out (test/infra checks the synthesized groups against this table).
 */
export const roleGroups = {
  /** Can change things: match, pause, write off, import. */
  finance: 'finance',
  /** Can read everything, change nothing. */
  readonly: 'read-only',
} as const;

export type Role = keyof typeof roleGroups;

/** The role a list of groups grants (finance wins), or undefined when none of them is a role's group. */
export function roleOfGroups(groups: readonly string[]): Role | undefined {
  if (groups.includes(roleGroups.finance)) return 'finance';
  if (groups.includes(roleGroups.readonly)) return 'readonly';
  return undefined;
}
