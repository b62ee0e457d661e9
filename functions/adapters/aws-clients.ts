import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Shared AWS clients, created once per Lambda container. In AWS they use the default endpoints; the local
 * stack points them at DynamoDB Local, s3rver, aws-ses-v2-local and the local Step Functions endpoint
 * through LOCAL_*_ENDPOINT variables. Only endpoints differ: the code path is the same.
 * Every client is built here and captured by Powertools Tracer, so each AWS call is an X-Ray subsegment. Tracing is
 * off outside Lambda (tests, local stack) and when POWERTOOLS_TRACE_ENABLED=false: the client is then returned as is.
 */
export const tracer = new Tracer({ serviceName: 'encaisse' });
const traced = <C>(client: C): C => tracer.captureAWSv3Client(client);
const local = (name: string) => process.env[`LOCAL_${name}_ENDPOINT`];

let ddbClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let sesClient: SESv2Client | undefined;
let sfnClient: SFNClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  ddbClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({ endpoint: local('DYNAMODB') })), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddbClient;
}

export function s3(): S3Client {
  const endpoint = local('S3');
  // s3rver stores aws-chunked framing as the body when the SDK adds its default checksums: only when required locally.
  s3Client ??= traced(
    new S3Client(endpoint ? { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' } : {}),
  );
  return s3Client;
}

export function ses(): SESv2Client {
  sesClient ??= traced(new SESv2Client({ endpoint: local('SES') }));
  return sesClient;
}

export function sfn(): SFNClient {
  sfnClient ??= traced(new SFNClient({ endpoint: local('SFN') }));
  return sfnClient;
}

/** For tests and the local runner: forget cached clients after endpoints change. */
export function resetClients(): void {
  ddbClient = undefined;
  s3Client = undefined;
  sesClient = undefined;
  sfnClient = undefined;
}
