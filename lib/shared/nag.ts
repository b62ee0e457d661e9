import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A reasoned cdk-nag exception (cdk-nag 3 reads CDK's acknowledged-rules metadata on the construct and its
 * ancestors). The reason is mandatory and must say why the finding does not apply here.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20)
    throw new Error(`cdk-nag acknowledgement ${id} on ${scope.node.path} needs a specific reason`);
  Validations.of(scope).acknowledge({ id, reason });
}
