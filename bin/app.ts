#!/usr/bin/env node
// The CDK app (cdk.json "app": "npx tsx bin/app.ts"). Settings come from cdk.json "context" or `-c key=value`;
// a missing or malformed one stops synthesis with a message naming it.
import { buildApp } from '../lib/app';
import { SettingsError } from '../lib/settings';

try {
  const { app } = buildApp();
  app.synth();
} catch (err) {
  if (err instanceof SettingsError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
