/** Environment of the dunning handlers under test (set before any handler reads it). */
Object.assign(process.env, {
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'encaisse-test',
  DOCUMENTS_BUCKET: 'encaisse-documents-test',
  STATEMENTS_BUCKET: 'encaisse-statements-test',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-3:123456789012:stateMachine:dunning',
  SENDER_EMAIL: 'relances@encaisse.example.fr',
  FINANCE_EMAILS: 'finance@encaisse.example.fr',
  AGENCY_EMAIL: 'dossiers@recouvrement.example.fr',
  SES_CONFIGURATION_SET: 'encaisse-test',
  LOG_LEVEL: 'error',
  CREDITOR_NAME: 'Atelier Test SARL',
  CREDITOR_IBAN: 'FR7630006000011234567890189',
  CREDITOR_BIC: 'AGRIFRPPXXX',
  CREDITOR_ADDRESS: '3 quai Test|69002 Lyon',
  // Links to the customer page in reminders and formal notices (functions/customer-page/message-link.ts).
  CUSTOMER_PAGE_URL: 'https://pay.encaisse.example.fr',
  CUSTOMER_LINK_KEYS: 'test-customer-link-key-0123456789abcdef',
});
for (const k of Object.keys(process.env)) if (k.startsWith('LOCAL_') && k.endsWith('_ENDPOINT')) delete process.env[k];
