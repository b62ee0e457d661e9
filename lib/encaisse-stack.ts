import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Alerts } from './alerts/alerts';
import { AdminApi, type ApiAuth } from './api/admin-api';
import { BooksExport, booksPrefix } from './books/books-export';
import { FinanceConsole } from './console/console';
import { DunningWorkflow, type FunctionOptions } from './dunning/dunning-workflow';
import { INGEST_MEMORY_MB, INGEST_TIMEOUT, Ingest } from './ingest/ingest';
import {
  INVOICE_INBOX_MEMORY_MB,
  INVOICE_INBOX_TIMEOUT,
  InvoiceInbox,
  invoiceInboxPrefixes,
} from './invoice-inbox/invoice-inbox';
import type { Settings } from './settings';
import { EncaisseFunction, type FunctionName } from './shared/function';
import { allowObjects, allowSendEmail, allowTable, allowTableItems, allowWorkflow } from './shared/grants';
import { acknowledge } from './shared/nag';
import { acknowledgeAcceptedWildcards } from './shared/wildcards';
import { documentPrefixes, Storage, statementPrefixes } from './storage/storage';

export interface EncaisseStackProps extends StackProps {
  readonly settings: Settings;
}

/**
 * encaisse in one environment-agnostic stack (no lookups: `cdk synth` needs no credentials and no network).
 * Wiring only; each concern lives in its construct. The grants below are the whole permission model:
 * every function gets exactly what its handler does, nothing from a managed policy.
 */
export class EncaisseStack extends Stack {
  readonly storage: Storage;
  readonly alerts: Alerts;
  readonly workflow: DunningWorkflow;
  readonly ingest: Ingest;
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

    // One customer-managed key for operational data: the alarm topic and the state machine execution logs.
    this.key = new kms.Key(this, 'OperationsKey', {
      description: 'encaisse: alarm topic and dunning workflow logs',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
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

    this.alerts = new Alerts(this, 'Alerts', {
      key: this.key,
      alarmEmails: s.subscribeFinanceToAlarms ? s.financeEmails : [],
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
    const needStateMachineArn: EncaisseFunction[] = [];
    const made = {} as Record<FunctionName, EncaisseFunction>;
    const makeFunction = (
      scope: Construct,
      fid: string,
      name: FunctionName,
      o: FunctionOptions & { environment?: Record<string, string> },
    ) => {
      const f = new EncaisseFunction(scope, fid, {
        name,
        description: o.description,
        memorySize: o.memorySize,
        timeout: o.timeout,
        logRetention,
        environment: { ...sharedEnvironment, ...o.environment },
      });
      if (o.withStateMachineArn) needStateMachineArn.push(f);
      made[name] = f;
      return f;
    };

    this.workflow = new DunningWorkflow(this, 'Dunning', {
      alerts: this.alerts,
      logKey: this.key,
      logRetention,
      sweepTime: s.sweepTime,
      makeFunction,
    });
    const stateMachine = this.workflow.stateMachine;

    const ingestFunction = makeFunction(this, 'IngestFunction', 'ingest', {
      description: 'Ingest a bank statement file: parse, validate, dedupe, match, move, alert',
      memorySize: INGEST_MEMORY_MB,
      timeout: INGEST_TIMEOUT,
      withStateMachineArn: true,
      environment: {
        STATEMENT_MAX_BYTES: String(s.statementMaxBytes),
        STATEMENT_MAX_ENTRIES: String(s.statementMaxEntries),
      },
    });
    this.ingest = new Ingest(this, 'Ingest', { statementsBucket, ingestFunction, alerts: this.alerts });

    const sesEventsFunction = makeFunction(this, 'SesEventsFunction', 'ses-events', {
      description: 'Record SES delivery, bounce, complaint and open events in the invoice history',
      withStateMachineArn: true,
    });
    new events.Rule(this, 'SesEventsRule', {
      description: 'encaisse: SES events of mail sent with the encaisse configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [configurationSetName] } } },
      },
      targets: [
        new eventTargets.LambdaFunction(sesEventsFunction.fn, { retryAttempts: 8, maxEventAge: Duration.hours(12) }),
      ],
    });

    const apiFunction = makeFunction(this, 'ApiFunction', 'api', {
      description: 'Admin API (middy router): invoices, customers, review queue, policies, reports',
      memorySize: 512,
      timeout: Duration.seconds(29),
      withStateMachineArn: true,
      environment: { AUTH_MODE: 'jwt' },
    });
    // E-invoices in (invoices/inbox/ of the statements bucket) and the books out (monthly FEC in the documents bucket).
    const booksEnvironment = { BOOKS_ACCOUNTS: JSON.stringify(s.booksAccounts) };
    apiFunction.addEnvironment('BOOKS_ACCOUNTS', booksEnvironment.BOOKS_ACCOUNTS);
    const inboxFunction = makeFunction(this, 'InvoiceInboxFunction', 'invoice-inbox', {
      description:
        'Read an e-invoice (Factur-X, CII, UBL) dropped in invoices/inbox/: customer and open invoice, or rejected ' +
        'with its reason',
      memorySize: INVOICE_INBOX_MEMORY_MB,
      timeout: INVOICE_INBOX_TIMEOUT,
    });
    new InvoiceInbox(this, 'InvoiceInbox', { statementsBucket, inboxFunction, alerts: this.alerts });
    const booksFunction = makeFunction(this, 'BooksExportFunction', 'books-export', {
      description: 'Monthly books export (FEC, CSV) of what encaisse lettered, on the first business day of the month',
      memorySize: 512,
      timeout: Duration.minutes(5),
      environment: booksEnvironment,
    });
    new BooksExport(this, 'BooksExport', { exportFunction: booksFunction, alerts: this.alerts });
    this.api = new AdminApi(this, 'AdminApi', {
      apiFunction,
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

    for (const f of needStateMachineArn) f.addEnvironment('STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    // The creditor printed on reminders, formal notices, agency case files and withdrawals (the sweep withdraws a
    // case paid after the handoff): functions/dunning-shared/runtime.ts.
    for (const name of ['dunning-step', 'dunning-dispatch', 'sweep'] as const) {
      for (const [key, value] of Object.entries(creditorEnvironment(s))) made[name].addEnvironment(key, value);
    }
    this.functions = made;

    // ---- Least privilege, function by function ----
    const { inbox, processed, rejected } = statementPrefixes;
    const { letters, caseFiles, invoices } = documentPrefixes;
    const f = made;
    const sendEmail = (fn: EncaisseFunction) => allowSendEmail(fn, s.senderEmail, configurationSetName);

    // ingest: read inbox/, move the file to processed/ or rejected/ (copy + delete) with its report, remove the
    // rejected/ copy of a file re-processed successfully, record transactions and allocations, stop the workflow of a
    // fully paid invoice, alert finance. s3:ListBucket (no prefix condition: a HEAD or GET carries no s3:prefix) makes
    // S3 answer 404, not 403, for a file an earlier delivery already moved, which the ingest must tell from a fault.
    allowTable(f.ingest, table, 'readWrite');
    allowObjects(f.ingest, statementsBucket, {
      read: [inbox],
      write: [processed, rejected],
      delete: [inbox, rejected],
    });
    f.ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [statementsBucket.bucketArn] }),
    );
    // It starts the workflow of an invoice a returned payment reopens.
    // describe: startDunning checks whether the last generation ended
    allowWorkflow(f.ingest, stateMachine, ['start', 'stop', 'describe']);
    sendEmail(f.ingest);

    // dunning-plan: reads invoice, customer and policy; records the planned step. No S3, no mail.
    allowTable(f['dunning-plan'], table, 'readWrite');
    // dunning-step: re-check, act (agency case file JSON + PDF, and its time-limited link: read), send, alert finance.
    allowTable(f['dunning-step'], table, 'readWrite');
    allowObjects(f['dunning-step'], documentsBucket, { read: [caseFiles], write: [caseFiles] });
    sendEmail(f['dunning-step']);
    // dunning-dispatch: one grouped message per customer and window; writes the formal notice PDF (letters/) and
    // links the invoice PDF (invoices/) with a presigned URL, which is only valid if the signer may read the object.
    allowTable(f['dunning-dispatch'], table, 'readWrite');
    allowObjects(f['dunning-dispatch'], documentsBucket, { read: [invoices], write: [letters] });
    sendEmail(f['dunning-dispatch']);
    // dunning-pause: stores the task token on the invoice; resumes at once (SendTaskSuccess) when the pause was
    // already lifted. The machine invokes this function, hence a separate policy (see WorkflowGrantOptions).
    allowTable(f['dunning-pause'], table, 'readWrite');
    allowWorkflow(f['dunning-pause'], stateMachine, ['respond'], { separatePolicy: true });

    // sweep: finds invoices entering their window, starts their workflow, resumes due promises, daily digest.
    allowTable(f.sweep, table, 'readWrite');
    allowWorkflow(f.sweep, stateMachine, ['start', 'describe', 'respond']);
    sendEmail(f.sweep);
    // failure-alert: e-mails finance from the event alone, appends one history line to the invoice
    // (INVOICE#<id> / EVENT#...) and marks its WORKFLOW marker ended (read, then conditional put): invoice items only.
    allowTableItems(f['failure-alert'], table, ['dynamodb:GetItem', 'dynamodb:PutItem'], ['INVOICE#']);
    sendEmail(f['failure-alert']);
    // ses-events: updates the invoice history (a hard bounce switches the next step to a person) and alerts finance
    // of hard bounces and complaints.
    allowTable(f['ses-events'], table, 'readWrite');
    sendEmail(f['ses-events']);
    // api: everything finance does by hand: re-queue a fixed file, read reports and letters, pause/resume/stop.
    allowTable(f.api, table, 'readWrite');
    allowObjects(f.api, statementsBucket, {
      read: [processed, rejected],
      write: [inbox],
      list: [processed, rejected],
    });
    allowObjects(f.api, documentsBucket, { read: [letters, caseFiles] });
    allowWorkflow(f.api, stateMachine, ['start', 'stop', 'describe', 'respond']);

    // invoice-inbox: read invoices/inbox/, move the file under invoices/processed/ or invoices/rejected/ with its
    // report
    // (copy + delete), create or update the customer and the invoice, alert finance of a rejected file.
    allowTable(f['invoice-inbox'], table, 'readWrite');
    allowObjects(f['invoice-inbox'], statementsBucket, {
      read: [invoiceInboxPrefixes.inbox],
      write: [invoiceInboxPrefixes.processed, invoiceInboxPrefixes.rejected],
      delete: [invoiceInboxPrefixes.inbox],
    });
    sendEmail(f['invoice-inbox']);
    // books-export: reads lettered transactions, invoices, customers and the export ledger; writes the ledger of a
    // month
    // (BOOKS# items only) and its files under books/ of the documents bucket.
    allowTable(f['books-export'], table, 'read');
    allowTableItems(f['books-export'], table, ['dynamodb:PutItem'], ['BOOKS#']);
    allowObjects(f['books-export'], documentsBucket, { write: [booksPrefix] });

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

/** CREDITOR_* variables read by functions/dunning-shared/runtime.ts creditor(); the address lines joined by '|'. */
export function creditorEnvironment(s: Settings): Record<string, string> {
  return {
    CREDITOR_NAME: s.creditorName,
    CREDITOR_IBAN: s.creditorIban,
    CREDITOR_BIC: s.creditorBic,
    CREDITOR_ADDRESS: s.creditorAddress.join('|'),
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
