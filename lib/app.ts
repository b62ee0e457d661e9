import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EncaisseStack } from './encaisse-stack';
import { parseSettings, settingKeys } from './settings';

export const STACK_ID = 'Encaisse';

/** CDK feature flags the stack relies on (also in cdk.json, set here so in-process builds behave the same). */
export const featureFlags = {
  // Server access logs delivered through a bucket policy (bucket-owner-enforced, no ACLs) instead of a LogDeliveryWrite
  // ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
} as const;

export interface BuildOptions {
  /** Bundle the functions with esbuild (default true). Tests that do not look at code pass false: much faster. */
  readonly bundle?: boolean;
  /** Run the cdk-nag AwsSolutions pack at synth (default true): an unacknowledged finding fails synthesis. */
  readonly nag?: boolean;
  /** Cloud assembly output directory (default: CDK's, i.e. cdk.out from the CLI or a temp dir in-process). */
  readonly outdir?: string;
}

/**
 * Builds the encaisse CDK app in-process: `const { app, stack } = buildApp(context)`, then `app.synth()` or
 * `Template.fromStack(stack).toJSON()`. Used by bin/app.ts (CDK CLI), the infra tests and the local stack
 * (which runs the synthesized state machine). Context values given here override cdk.json's.
 * Throws a SettingsError naming every missing or malformed setting.
 */
export function buildApp(
  context: Record<string, unknown> = {},
  options: BuildOptions = {},
): { app: App; stack: EncaisseStack } {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...featureFlags,
      ...context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const raw: Record<string, unknown> = {};
  for (const key of settingKeys) {
    const value = app.node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  const settings = parseSettings(raw);
  const stack = new EncaisseStack(app, STACK_ID, {
    settings,
    description: 'encaisse: bank reconciliation (lettrage) and dunning (relances) for French SMEs',
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Demo settings (the same as cdk.json's): enough to synthesize without any -c flag. */
export const demoContext = {
  senderEmail: 'relances@encaisse.example.fr',
  financeEmails: ['finance@encaisse.example.fr'],
  operatorEmails: ['exploitation@encaisse.example.fr'],
  agencyEmail: 'dossiers@recouvrement.example.fr',
  creditorName: 'encaisse démo SAS',
  creditorIban: 'FR7630006000011234567890189',
  creditorBic: 'AGRIFRPPXXX',
  creditorAddress: ['12 rue de la Paix', '75002 Paris'],
  // A fictitious company (SIREN 999 999 998 belongs to no one), as in cdk.json.
  creditorLegalForm: 'SAS',
  creditorShareCapital: 10000,
  creditorSiren: '999999998',
  creditorSiret: '99999999800019',
  creditorRcsCity: 'Paris',
  creditorVatNumber: 'FR11999999998',
  creditorSignatoryName: 'Camille Exemple',
  creditorSignatoryTitle: 'Présidente (fictive)',
  creditorContactName: 'Julie Démo',
  creditorContactEmail: 'compta@encaisse.example.fr',
  creditorContactPhone: '01 00 00 00 00',
} as const;
