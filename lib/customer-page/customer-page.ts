import { CfnOutput, type CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from '../shared/function';
import { allowObjects } from '../shared/grants';
import { acknowledge } from '../shared/nag';
import { documentPrefixes } from '../storage/storage';

/** The page's routes: no authorizer (the link's token is the credential), each throttled on its own. */
export const CUSTOMER_PAGE_ROUTES = ['GET /c/{token}', 'POST /c/{token}/{action}', 'GET /c/s/{code}'] as const;
/** Where the customer's dispute files go in the documents bucket. */
export const DISPUTES_PREFIX = documentPrefixes.disputes;

export interface CustomerPageProps {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly pageFunction: EncaisseFunction;
  /** The page e-mails finance (a dispute, a promise, a payment announced): SES send through the alerts' identity. */
  readonly alerts: Alerts;
  /** The functions that put a link in the messages they send: they sign links (their table grant records them). */
  readonly linkIssuers: EncaisseFunction[];
  readonly table: dynamodb.ITable;
  readonly documentsBucket: s3.IBucket;
  /** Per route: steady requests per second and burst (a customer opens a page a few times; a scan is cut short). */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The customer's page: a public function behind /c/ routes of the HTTP API (the admin routes keep their authorizer),
 * its own role, and the secret that signs the links.
 *
 * The signing keys live in Secrets Manager, not SSM SecureString: CloudFormation can create the secret with a random
 * value generated at deploy time (no key in the template, the repository or a deploy script), it has a resource ARN
 * to grant GetSecretValue on, and it supports rotation with staging labels. The value is JSON {current, previous};
 * rotating = previous := current, current := a new random string (functions/adapters/link-keys.ts reads both).
 */
export class CustomerPage extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CustomerPageProps) {
    super(scope, id);
    const { pageFunction: fn, table, documentsBucket } = props;
    props.alerts.allowSendEmail(fn);
    props.alerts.watchFunction(
      'CustomerPage',
      fn,
      'The customer-page function failed (crashed or timed out): a customer saw an error page instead of their ' +
        'invoices.',
    );

    this.secret = new secretsmanager.Secret(this, 'LinkKeys', {
      description: 'encaisse: keys signing the customer page links, JSON {current, previous}',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'The link keys are rotated by hand (previous := current, current := new), as lib/README.md says: a rotation ' +
        'Lambda would have to know the two-key JSON shape, and links signed with the previous key must keep working ' +
        'until they expire.',
    );

    const pageUrl = props.httpApi.apiEndpoint;
    for (const f of [fn, ...props.linkIssuers]) {
      f.addEnvironment('CUSTOMER_LINK_SECRET_ARN', this.secret.secretArn);
      f.addEnvironment('CUSTOMER_PAGE_URL', pageUrl);
      f.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
      );
    }

    this.grantPage(fn, table, documentsBucket);
    this.addRoutes(props);
    new CfnOutput(this, 'CustomerPageUrl', {
      value: `${pageUrl}/c/`,
      description: 'base of the links sent to customers',
    });
  }

  /**
   * The page's role, written out: read the customer, its link (or its short code, LINKCODE#) and its invoices
   * (index gsi1 under CUSTOMER#), the payments allocated to an invoice (a query of its partition, INVOICE#<id> /
   * ALLOC#..., for the penalties shown from the formal notice on: IAM cannot narrow a query to a sort key, and the page
   * may already get any INVOICE# item), the policies (gsi2 POLICIES) and the rate table (RATES); write an invoice's
   * pause with its history event (one transaction of INVOICE# puts); claim, read, settle or release the record of a
   * posted form (ANSWER#: a double click is answered once); read invoice PDFs to presign their links; put a dispute
   * file under disputes/; e-mail finance. No Step Functions: the workflow re-checks the invoice's pause itself.
   */
  private grantPage(fn: EncaisseFunction, table: dynamodb.ITable, documentsBucket: s3.IBucket): void {
    fn.role.addToPrincipalPolicy(
      itemPolicy(table, ['dynamodb:GetItem'], ['CUSTOMER#', 'INVOICE#', 'LINKCODE#', 'RATES', 'ANSWER#']),
    );
    fn.role.addToPrincipalPolicy(itemPolicy(table, ['dynamodb:PutItem'], ['INVOICE#', 'ANSWER#']));
    fn.role.addToPrincipalPolicy(itemPolicy(table, ['dynamodb:DeleteItem'], ['ANSWER#']));
    fn.role.addToPrincipalPolicy(itemPolicy(table, ['dynamodb:Query'], ['INVOICE#']));
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/gsi1`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUSTOMER#*'] } },
      }),
    );
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/gsi2`],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['POLICIES'] } },
      }),
    );
    allowObjects(fn, documentsBucket, { read: ['invoices/'], write: [DISPUTES_PREFIX] });
  }

  private addRoutes(props: CustomerPageProps): void {
    const integration = new HttpLambdaIntegration('CustomerPageIntegration', props.pageFunction.fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const none = new apigwv2.HttpNoneAuthorizer();
    const routes = [
      ...props.httpApi.addRoutes({
        path: '/c/{token}',
        methods: [apigwv2.HttpMethod.GET],
        integration,
        authorizer: none,
      }),
      ...props.httpApi.addRoutes({
        path: '/c/s/{code}',
        methods: [apigwv2.HttpMethod.GET],
        integration,
        authorizer: none,
      }),
      ...props.httpApi.addRoutes({
        path: '/c/{token}/{action}',
        methods: [apigwv2.HttpMethod.POST],
        integration,
        authorizer: none,
      }),
    ];
    for (const route of routes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'The customer page is public by design: the signed, expiring, revocable token in the path is the ' +
          'credential, checked by the function (functions/customer-page/access.ts); the routes are throttled on ' +
          'their own.',
      );
    }
    const cfnStage = props.stage.node.defaultChild as CfnResource;
    const settings = { ThrottlingRateLimit: props.rateLimit, ThrottlingBurstLimit: props.burstLimit };
    cfnStage.addPropertyOverride('RouteSettings', Object.fromEntries(CUSTOMER_PAGE_ROUTES.map((r) => [r, settings])));
  }
}

function itemPolicy(table: dynamodb.ITable, actions: string[], prefixes: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => (p.endsWith('#') ? `${p}*` : p)) },
    },
  });
}
