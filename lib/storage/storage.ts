import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../shared/nag';
import { tableDesign } from './table-design';

/** Key prefixes of the statements bucket. */
export const statementPrefixes = { inbox: 'inbox/', processed: 'processed/', rejected: 'rejected/' } as const;
/**
 * Key prefixes of the documents bucket: formal notices ("mises en demeure"), agency case files, and the invoice PDFs
 * themselves (uploaded by the invoicing side; an invoice's `pdfKey` points there and reminders link to it).
 */
export const documentPrefixes = {
  letters: 'letters/',
  caseFiles: 'case-files/',
  invoices: 'invoices/',
  /** Files customers attach to a dispute from their page (written by customer-page, read by the api's links). */
  disputes: 'disputes/',
} as const;

/** French accounting documents are kept 10 years (Code de commerce, art. L123-22). */
const TEN_YEARS = Duration.days(3653);

/**
 * Buckets and the table.
 *
 * Encryption choice for the buckets: SSE-S3 (S3-managed keys, AES-256), not SSE-KMS. Who can read a statement
 * is decided by IAM and the bucket policy (only the ingest and api roles); with SSE-KMS the same roles would
 * simply also get kms:Decrypt, for a per-request KMS cost on every file and every letter, and the server
 * access logs bucket must be SSE-S3 anyway. Revisit (customer-managed key + bucket key) if a client's security
 * policy requires key-level separation or crypto-shredding.
 * The table uses the AWS managed key (aws/dynamodb): encrypted at rest, key use visible in CloudTrail,
 * no key policy to maintain.
 */
export class Storage extends Construct {
  readonly accessLogsBucket: s3.Bucket;
  readonly statementsBucket: s3.Bucket;
  readonly documentsBucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'This is the server access logs target bucket; logging its own writes would loop.',
    );

    const hardened = (logPrefix: string): s3.BucketProps => ({
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: logPrefix,
      // Bank statements and dunning letters are accounting records: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.statementsBucket = new s3.Bucket(this, 'StatementsBucket', {
      ...hardened('statements/'),
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Statements and their reports are accounting records (Code de commerce L123-22): ten years, whether processed
        // or rejected, and so are their earlier versions (a report rewritten by a later run, a copy removed from
        // rejected/ once the file was re-processed). The files themselves are never overwritten (content keys).
        {
          id: 'processed-statements-10-years',
          prefix: statementPrefixes.processed,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
          expiration: TEN_YEARS,
          noncurrentVersionExpiration: TEN_YEARS,
        },
        {
          id: 'rejected-statements-10-years',
          prefix: statementPrefixes.rejected,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
          expiration: TEN_YEARS,
          noncurrentVersionExpiration: TEN_YEARS,
        },
        // A file leaves the inbox only once its copy is kept under processed/ or rejected/.
        { id: 'inbox-old-versions', prefix: statementPrefixes.inbox, noncurrentVersionExpiration: Duration.days(30) },
      ],
    });

    this.documentsBucket = new s3.Bucket(this, 'DocumentsBucket', {
      ...hardened('documents/'),
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'letters-10-years',
          prefix: documentPrefixes.letters,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
          expiration: TEN_YEARS,
          noncurrentVersionExpiration: Duration.days(90),
        },
        {
          id: 'invoices-10-years',
          prefix: documentPrefixes.invoices,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
          expiration: TEN_YEARS,
          noncurrentVersionExpiration: Duration.days(90),
        },
        {
          id: 'case-files-10-years',
          prefix: documentPrefixes.caseFiles,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
          expiration: TEN_YEARS,
          noncurrentVersionExpiration: Duration.days(90),
        },
      ],
    });

    const attr = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attr(tableDesign.partitionKey),
      sortKey: attr(tableDesign.sortKey),
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const g of tableDesign.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: g.indexName,
        partitionKey: attr(g.partitionKey),
        sortKey: attr(g.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
