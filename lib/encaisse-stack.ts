import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Alerts } from './alerts/alerts';
import { SesEvents } from './alerts/ses-events';
import { AdminApi, type ApiAuth } from './api/admin-api';
import { BooksExport } from './books/books-export';
import { FinanceConsole } from './console/console';
import { CustomerPage } from './customer-page/customer-page';
import { type DunningFunctions, DunningWorkflow, dunningFunctionOptions } from './dunning/dunning-workflow';
import { INGEST_MEMORY_MB, INGEST_TIMEOUT, Ingest } from './ingest/ingest';
import { INVOICE_INBOX_MEMORY_MB, INVOICE_INBOX_TIMEOUT, InvoiceInbox } from './invoice-inbox/invoice-inbox';
import { Monitoring } from './monitoring/monitoring';
import type { Settings } from './settings';
import { EncaisseFunction, type FunctionName, type FunctionOptions } from './shared/function';
import { acknowledge } from './shared/nag';
import { acknowledgeAcceptedWildcards } from './shared/wildcards';
import { Storage } from './storage/storage';

export interface EncaisseStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * encaisse in one environment-agnostic stack (no lookups: `cdk synth` needs no credentials and no network).
 * Wiring only: the stack builds the functions and hands each to the construct of its concern, which grants it exactly
 * what its handler does (nothing from a managed policy) and sets its alarms.
 */
export class EncaisseStack extends Stack {
  readonly storage: Storage;
  readonly alerts: Alerts;
  readonly workflow: DunningWorkflow;
  readonly ingest: Ingest;
  readonly invoiceInbox: InvoiceInbox;
  readonly monitoring: Monitoring;
  readonly api: AdminApi;
  /** The finance console, when the stack creates the Cognito pool (its managed login and app client live there). */
  readonly console?: FinanceConsole;
  readonly functions: Record<FunctionName, EncaisseFunction>;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncaisseStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const logRetention = retentionOf(s.logRetentionDays);

    this.storage = new Storage(this, 'Storage');
    const { table, statementsBucket, documentsBucket } = this.storage;

    this.key = this.operationsKey();

    this.alerts = new Alerts(this, 'Alerts', {
      key: this.key,
      alarmEmails: [...s.operatorEmails, ...(s.subscribeFinanceToAlarms ? s.financeEmails : [])],
      senderEmail: s.senderEmail,
    });
    const configurationSetName = this.alerts.configurationSet.configurationSetName;

    const sharedEnvironment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      STATEMENTS_BUCKET: statementsBucket.bucketName,
      DOCUMENTS_BUCKET: documentsBucket.bucketName,
      SENDER_EMAIL: s.senderEmail,
      FINANCE_EMAILS: s.financeEmails.join(','),
      AGENCY_EMAIL: s.agencyEmail,
      SES_CONFIGURATION_SET: configurationSetName,
    };
    // Every function is built here with the shared environment, then handed to the construct that wires it; that
    // construct grants it exactly what its code calls (shared/grants.ts) and sets its alarms.
    const needStateMachineArn: EncaisseFunction[] = [];
    const made = {} as Record<FunctionName, EncaisseFunction>;
    const makeFunction = (scope: Construct, fid: string, o: FunctionOptions) => {
      const f = new EncaisseFunction(scope, fid, {
        name: o.name,
        description: o.description,
        memorySize: o.memorySize,
        timeout: o.timeout,
        logRetention,
        environment: { ...sharedEnvironment, ...o.environment },
      });
      if (o.withStateMachineArn) needStateMachineArn.push(f);
      made[o.name] = f;
      return f;
    };

    // The workflow's functions live under 'Dunning' and the workflow is its 'Default' child, which CDK leaves out of
    // logical ids: functions, log groups and state machine keep the ids they had when the construct built them.
    const dunningScope = new Construct(this, 'Dunning');
    const dunningFunctions = Object.fromEntries(
      Object.entries(dunningFunctionOptions).map(([key, o]) => [key, makeFunction(dunningScope, o.id, o)]),
    ) as DunningFunctions;
    this.workflow = new DunningWorkflow(dunningScope, 'Default', {
      alerts: this.alerts,
      logKey: this.key,
      logRetention,
      sweepTime: s.sweepTime,
      functions: dunningFunctions,
      table,
      documentsBucket,
    });
    const stateMachine = this.workflow.stateMachine;

    const ingestFunction = makeFunction(this, 'IngestFunction', {
      name: 'ingest',
      description: 'Ingest a bank statement file: parse, validate, dedupe, match, move, alert',
      memorySize: INGEST_MEMORY_MB,
      timeout: INGEST_TIMEOUT,
      withStateMachineArn: true,
      environment: {
        STATEMENT_MAX_BYTES: String(s.statementMaxBytes),
        STATEMENT_MAX_ENTRIES: String(s.statementMaxEntries),
      },
    });
    this.ingest = new Ingest(this, 'Ingest', {
      statementsBucket,
      table,
      stateMachine,
      ingestFunction,
      alerts: this.alerts,
    });

    const sesEventsFunction = makeFunction(this, 'SesEventsFunction', {
      name: 'ses-events',
      description: 'Record SES delivery, bounce, complaint and open events in the invoice history',
      withStateMachineArn: true,
    });
    new SesEvents(this, 'SesEvents', { sesEventsFunction, table, alerts: this.alerts });

    // E-invoices in (invoices/inbox/ of the statements bucket) and the books out (monthly FEC in the documents bucket).
    const booksEnvironment = { BOOKS_ACCOUNTS: JSON.stringify(s.booksAccounts) };
    const apiFunction = makeFunction(this, 'ApiFunction', {
      name: 'api',
      description: 'Admin API (middy router): invoices, customers, review queue, policies, reports',
      memorySize: 512,
      timeout: Duration.seconds(29),
      withStateMachineArn: true,
      environment: { AUTH_MODE: 'jwt', ...booksEnvironment },
    });
    this.invoiceInbox = new InvoiceInbox(this, 'InvoiceInbox', {
      statementsBucket,
      table,
      alerts: this.alerts,
      inboxFunction: makeFunction(this, 'InvoiceInboxFunction', {
        name: 'invoice-inbox',
        description:
          'Read an e-invoice (Factur-X, CII, UBL) dropped in invoices/inbox/: customer and open invoice, or ' +
          'rejected with its reason',
        memorySize: INVOICE_INBOX_MEMORY_MB,
        timeout: INVOICE_INBOX_TIMEOUT,
      }),
    });
    new BooksExport(this, 'BooksExport', {
      table,
      documentsBucket,
      alerts: this.alerts,
      exportFunction: makeFunction(this, 'BooksExportFunction', {
        name: 'books-export',
        description:
          'Monthly books export (FEC, CSV) of what encaisse lettered, on the first business day of the month',
        memorySize: 512,
        timeout: Duration.minutes(5),
        environment: booksEnvironment,
      }),
    });
    this.api = new AdminApi(this, 'AdminApi', {
      apiFunction,
      table,
      statementsBucket,
      documentsBucket,
      stateMachine,
      alerts: this.alerts,
      auth: apiAuthOf(s),
      logRetention,
      rateLimit: s.apiRateLimit,
      burstLimit: s.apiBurstLimit,
    });

    if (this.api.userPool) {
      // The console's files come from `npm run web:build`, deployed only when asked (-c consoleAssets=web/dist), so a
      // synth never depends on a web build being there.
      this.console = new FinanceConsole(this, 'Console', {
        httpApi: this.api.httpApi,
        userPool: this.api.userPool,
        statementsBucket,
        accessLogsBucket: this.storage.accessLogsBucket,
        assetsDir: this.node.tryGetContext('consoleAssets'),
      });
    }

    // The customer's page: a public function behind /c/ routes of the same HTTP API (lib/customer-page).
    const pageFunction = makeFunction(this, 'CustomerPageFunction', {
      name: 'customer-page',
      description: 'Customer page (public, signed links): open invoices, EPC QR code, paid / dispute / promise',
      memorySize: 512,
      // under the HTTP API's 30 s integration limit: past it the customer sees an error for a form that was recorded
      timeout: Duration.seconds(29),
      environment: { ...creditorEnvironment(s), CUSTOMER_LINK_DAYS: String(s.customerLinkDays) },
    });
    new CustomerPage(this, 'CustomerPage', {
      httpApi: this.api.httpApi,
      stage: this.api.stage,
      pageFunction,
      alerts: this.alerts,
      linkIssuers: [made['dunning-dispatch'], made['dunning-step']],
      table,
      documentsBucket,
      rateLimit: s.customerPageRateLimit,
      burstLimit: s.customerPageBurstLimit,
    });
    for (const name of ['dunning-dispatch', 'dunning-step'] as const)
      made[name].addEnvironment('CUSTOMER_LINK_DAYS', String(s.customerLinkDays));
    // The creditor's public holidays, for every function that counts business days or plans a send on one
    // (functions/adapters/config.ts holidayCalendar()).
    for (const name of ['dunning-plan', 'sweep', 'books-export', 'customer-page'] as const)
      made[name].addEnvironment('HOLIDAY_CALENDAR', s.holidayCalendar);

    for (const f of needStateMachineArn) f.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    // The creditor printed on reminders, formal notices, agency case files and withdrawals (the sweep withdraws a
    // case paid after the handoff): functions/adapters/config.ts creditor().
    for (const name of ['dunning-step', 'dunning-dispatch', 'sweep'] as const) {
      for (const [key, value] of Object.entries(creditorEnvironment(s))) made[name].addEnvironment(key, value);
    }
    this.functions = made;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      alerts: this.alerts,
      functions: Object.values(made),
      deadLetterQueues: {
        'statement files (ingest)': this.ingest.deadLetterQueue,
        'e-invoices (invoice-inbox)': this.invoiceInbox.deadLetterQueue,
      },
      stateMachine,
      httpApi: this.api.httpApi,
    });

    // ---- cdk-nag: reasoned exceptions ----
    acknowledgeAcceptedWildcards(this);
    this.acknowledgeBucketNotificationsHandler();

    new CfnOutput(this, 'StatementsBucketName', {
      value: statementsBucket.bucketName,
      description: 'drop statement files under inbox/',
    });
    new CfnOutput(this, 'DocumentsBucketName', { value: documentsBucket.bucketName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'SesConfigurationSetName', { value: configurationSetName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alerts.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch dashboard',
    });
  }

  /** One customer-managed key for operational data: the alarm topic and the state machine execution logs. */
  private operationsKey(): kms.Key {
    const key = new kms.Key(this, 'OperationsKey', {
      description: 'encaisse: alarm topic and dunning workflow logs',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsUseOfTheKey',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn':
              `arn:${this.partition}:logs:${this.region}:` + `${this.account}:log-group:*`,
          },
        },
      }),
    );
    return key;
  }

  /** CDK's singleton custom resource that sets the S3 -> SQS notification at deploy time. */
  private acknowledgeBucketNotificationsHandler(): void {
    const handler = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) return;
    const reason =
      'CDK BucketNotificationsHandler (deploy-time custom resource setting the inbox/ -> SQS notification): CDK ' +
      'fixes its role (AWSLambdaBasicExecutionRole, s3:PutBucketNotification on *) and runtime.';
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason,
    );
    acknowledge(handler, 'AwsSolutions-IAM5[Resource::*]', reason);
  }
}

/**
 * CREDITOR_* variables read by functions/adapters/config.ts creditor() (identity: adapters/config.ts); address lines
 * joined by '|'.
 */
export function creditorEnvironment(s: Settings): Record<string, string> {
  return {
    CREDITOR_NAME: s.creditorName,
    CREDITOR_IBAN: s.creditorIban,
    CREDITOR_BIC: s.creditorBic,
    CREDITOR_ADDRESS: s.creditorAddress.join('|'),
    CREDITOR_LEGAL_FORM: s.creditorLegalForm,
    CREDITOR_SHARE_CAPITAL_CENTS: String(Math.round(s.creditorShareCapital * 100)),
    CREDITOR_SIREN: s.creditorSiren,
    CREDITOR_SIRET: s.creditorSiret,
    CREDITOR_RCS_CITY: s.creditorRcsCity,
    CREDITOR_VAT_NUMBER: s.creditorVatNumber,
    CREDITOR_REGISTERED_ADDRESS: (s.creditorRegisteredAddress ?? s.creditorAddress).join('|'),
    CREDITOR_SIGNATORY_NAME: s.creditorSignatoryName,
    CREDITOR_SIGNATORY_TITLE: s.creditorSignatoryTitle,
    CREDITOR_CONTACT_NAME: s.creditorContactName,
    CREDITOR_CONTACT_EMAIL: s.creditorContactEmail,
    CREDITOR_CONTACT_PHONE: s.creditorContactPhone,
  };
}

function apiAuthOf(s: Settings): ApiAuth {
  if (s.jwtIssuer && s.jwtAudience) return { kind: 'jwt', issuer: s.jwtIssuer, audience: s.jwtAudience };
  if (s.cognitoUserPoolId && s.cognitoClientId) {
    return { kind: 'existing-user-pool', userPoolId: s.cognitoUserPoolId, clientId: s.cognitoClientId };
  }
  return { kind: 'create-user-pool' };
}

/** The closest CloudWatch retention at or above the requested days. */
export function retentionOf(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? logs.RetentionDays.TEN_YEARS) as logs.RetentionDays;
}
