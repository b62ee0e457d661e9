import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import { FileQueue } from '../shared/file-queue';
import type { EncaisseFunction } from '../shared/function';
import { allowObjects, allowTable, allowWorkflow } from '../shared/grants';
import { statementPrefixes } from '../storage/storage';

export interface IngestProps {
  readonly statementsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  /** The dunning state machine: a fully paid invoice's workflow stops, a reopened invoice's starts. */
  readonly stateMachine: sfn.IStateMachine;
  readonly ingestFunction: EncaisseFunction;
  readonly alerts: Alerts;
}

/**
 * Ingest streams the statement file from S3 (functions/ingest/read-inbox-file.ts). Every format is parsed chunk by
 * chunk and, past statementMaxEntries, only counted: a 200 MB file of each peaks at 113–279 MB RSS under a 400 MB
 * heap cap (`npm run bench:limit`, README "Figures"), so 512 MB, with the size limit (statementMaxBytes) at the 200 MB
 * measured. The open invoices the matcher loads come on top: `recon` matching 12,500 entries against 50,000 open
 * invoices peaks at 329 MB (`npm run bench:match`), far above an SME's book; a book of 200,000 open invoices needs
 * 1024 MB. 5 minutes for a large file with its matching and writes.
 */
export const INGEST_MEMORY_MB = 512;
export const INGEST_TIMEOUT = Duration.minutes(5);

/**
 * Statement file dropped under inbox/ -> S3 ObjectCreated notification -> SQS (SSE, SSL only, DLQ after 3 receives,
 * visibility 30 minutes: six times the function timeout) -> ingest Lambda (one file per invocation: each file has the
 * whole timeout and memory, and a failure retries that file only), and the ingest function's grants and alarms.
 */
export class Ingest extends Construct {
  readonly queue: FileQueue['queue'];
  readonly deadLetterQueue: FileQueue['deadLetterQueue'];

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { statementsBucket, table, stateMachine, ingestFunction: f, alerts } = props;
    // 'Default' keeps the queues' logical ids (IngestQueue..., IngestDeadLetterQueue...) from before FileQueue.
    const files = new FileQueue(this, 'Default', {
      bucket: statementsBucket,
      prefix: statementPrefixes.inbox,
      fn: f,
      functionTimeout: INGEST_TIMEOUT,
      alerts,
      deadLetterAlarmId: 'DeadLetterQueueAlarm',
      deadLetterDescription:
        'A statement file could not be ingested after 3 attempts (ingest dead-letter queue not empty).',
    });
    this.queue = files.queue;
    this.deadLetterQueue = files.deadLetterQueue;
    alerts.watchFunction(
      'Ingest',
      f,
      'The ingest function crashed or timed out: the statement file is retried from the queue (dead-lettered after 3 ' +
        'attempts). A file that fails by an error is returned to the queue without this alarm: the dead-letter alarm ' +
        'reports it after its third attempt.',
    );

    // Read inbox/, move the file to processed/ or rejected/ (copy + delete) with its report, remove the rejected/
    // copy of a file re-processed successfully, record transactions and allocations, stop the workflow of a fully
    // paid invoice, alert finance. s3:ListBucket (no prefix condition: a HEAD or GET carries no s3:prefix) makes S3
    // answer 404, not 403, for a file an earlier delivery already moved, which the ingest must tell from a fault.
    // Read on processed/ and rejected/ too: a copy refused there (412, as a redelivery meets the copy an earlier
    // delivery made) is told from a replaced inbox file by a HEAD of the target, which S3 authorizes as s3:GetObject.
    const { inbox, processed, rejected } = statementPrefixes;
    allowTable(f, table, 'readWrite');
    allowObjects(f, statementsBucket, {
      read: [inbox, processed, rejected],
      write: [processed, rejected],
      delete: [inbox, rejected],
    });
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [statementsBucket.bucketArn] }),
    );
    // It starts the workflow of an invoice a returned payment reopens; describe: startDunning checks whether the last
    // generation ended.
    allowWorkflow(f, stateMachine, ['start', 'stop', 'describe']);
    alerts.allowSendEmail(f);
  }
}
