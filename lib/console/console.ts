import { CfnOutput, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge } from '../shared/nag';

export interface FinanceConsoleProps {
  /** The admin API, served to the console under /api/* of its own origin (no CORS on the API). */
  readonly httpApi: apigwv2.HttpApi;
  /** The pool the API's authorizer trusts; the console gets its own app client (code + PKCE) and managed login. */
  readonly userPool: cognito.UserPool;
  /**
   * Statement files are posted from the browser to this bucket (presigned POST): CORS limited to the console origin.
   */
  readonly statementsBucket: s3.Bucket;
  /** Server access logs of the console bucket go here. */
  readonly accessLogsBucket: s3.IBucket;
  /** Built console (web/dist). Absent: the infrastructure is made but no file is uploaded (see README, Console). */
  readonly assetsDir?: string;
}

/** Viewer-request functions: the SPA fallback, and /api/<route> to the API's /<route>. */
const spaFallback = `function handler(event) {
  var r = event.request;
  if (r.uri.indexOf('.') === -1) r.uri = '/index.html';
  return r;
}`;
const stripApiPrefix = `function handler(event) {
  var r = event.request;
  r.uri = r.uri.replace(/^\\/api(?=\\/)/, '');
  return r;
}`;

/**
 * The finance console: a private S3 bucket read by CloudFront through origin access control, security headers on
 * every answer (CSP, HSTS, frame-ancestors 'none'), the SPA fallback, the admin API as a second origin under /api/*,
 * and Cognito managed login (authorization code with PKCE) through an app client whose only callback is the console.
 */
export class FinanceConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly url: string;

  constructor(scope: Construct, id: string, props: FinanceConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'console/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // Cognito managed login: a domain of the pool, unique per stack (the stack id's first UUID group).
    const stackUuid = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stack.stackId))));
    this.domain = props.userPool.addDomain('ConsoleLogin', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['encaisse', stackUuid]) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const authDomain = `${this.domain.domainName}.auth.${stack.region}.amazoncognito.com`;

    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    // The statements bucket by its regional endpoint pattern: naming the bucket here would make a cycle (its CORS rule
    // names the distribution). The presigned POST still only works for the bucket and key the API signed.
    const connectSrc = [`https://${authDomain}`, `https://*.s3.${stack.region}.amazonaws.com`];
    const headers = this.securityHeaders(connectSrc, authDomain);
    this.distribution = this.makeDistribution(headers, apiDomain);
    this.url = `https://${this.distribution.distributionDomainName}/`;

    this.client = this.makeClient(props.userPool);
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    trustClientOnApi(props.httpApi, this.client);

    props.statementsBucket.addCorsRule({
      allowedMethods: [s3.HttpMethods.POST],
      allowedOrigins: [`https://${this.distribution.distributionDomainName}`],
      allowedHeaders: ['*'],
      maxAge: 3600,
    });

    if (props.assetsDir) this.deployFiles(props.assetsDir, authDomain);

    this.acknowledge();
    new CfnOutput(this, 'ConsoleUrl', { value: this.url, description: 'the finance console' });
    new CfnOutput(this, 'ConsoleLoginDomain', { value: authDomain });
    new CfnOutput(this, 'ConsoleFiles', {
      value: props.assetsDir
        ? 'deployed from the web build'
        : 'NOT deployed: run npm run web:build, then deploy with -c consoleAssets=web/dist',
    });
  }

  /** CSP, HSTS, no framing, on every answer (files and API alike). */
  private securityHeaders(connectSrc: string[], authDomain: string): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'encaisse console: CSP, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' ${connectSrc.join(' ')}`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            `form-action 'self' https://${authDomain}`,
            "object-src 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });
  }

  /** The files from the bucket (SPA fallback), the admin API under /api/* (prefix removed, nothing cached). */
  private makeDistribution(headers: cloudfront.IResponseHeadersPolicy, apiDomain: string): cloudfront.Distribution {
    const viewerFunction = (fid: string, code: string) =>
      new cloudfront.Function(this, fid, {
        code: cloudfront.FunctionCode.fromInline(code),
        runtime: cloudfront.FunctionRuntime.JS_2_0,
      });

    return new cloudfront.Distribution(this, 'Distribution', {
      comment: 'encaisse finance console',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: viewerFunction('SpaFallback', spaFallback),
          },
        ],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: [
            {
              eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
              function: viewerFunction('ApiPrefix', stripApiPrefix),
            },
          ],
        },
      },
    });
  }

  /** A public app client for the browser: authorization code (with PKCE) only, the console URL its only callback. */
  private makeClient(userPool: cognito.UserPool): cognito.UserPoolClient {
    return userPool.addClient('ConsoleClient', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
    });
  }

  /**
   * web/dist and a config.json naming the API path and the login, uploaded at deploy time; index and config
   * invalidated.
   */
  private deployFiles(assetsDir: string, authDomain: string): void {
    const config = {
      apiBase: '/api',
      auth: {
        mode: 'cognito',
        domain: authDomain,
        clientId: this.client.userPoolClientId,
        redirectUri: this.url,
        scopes: ['openid', 'email', 'profile'],
      },
    };
    const deployment = new s3deploy.BucketDeployment(this, 'Files', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(assetsDir, { exclude: ['config.json'] }),
        s3deploy.Source.jsonData('config.json', config),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      prune: true,
      memoryLimit: 512,
    });
    acknowledgeDeployment(deployment, this.bucket);
  }

  private acknowledge(): void {
    const d = this.distribution;
    acknowledge(
      d,
      'AwsSolutions-CFR1',
      'No geo restriction: finance staff and their accountants work from any country; access is by Cognito login ' +
        'with MFA, not by location.',
    );
    acknowledge(
      d,
      'AwsSolutions-CFR2',
      'No WAF web ACL: the distribution serves static files and forwards /api/* to an API that requires a Cognito ' +
        'JWT and is throttled at its stage; a WAF (about $5/month + rules) is an option for an exposed deployment.',
    );
    acknowledge(
      d,
      'AwsSolutions-CFR3',
      'No CloudFront standard access logs: they need an ACL-enabled bucket; the API behind /api/* writes JSON ' +
        'access logs per request (AdminApi AccessLogs) and the console bucket has S3 server access logs.',
    );
    acknowledge(
      d,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate cannot be pinned to TLS 1.2 by CloudFront; minimumProtocolVersion ' +
        'TLS_V1_2_2021 applies as soon as a custom domain and certificate are added.',
    );
  }
}

/** The API's JWT authorizer accepts tokens of the console's app client too (its audience lists the client ids). */
function trustClientOnApi(httpApi: apigwv2.HttpApi, client: cognito.UserPoolClient): void {
  const authorizers = httpApi.node
    .findAll()
    .filter((c): c is apigwv2.CfnAuthorizer => c instanceof apigwv2.CfnAuthorizer);
  for (const a of authorizers) {
    const jwt = a.jwtConfiguration as apigwv2.CfnAuthorizer.JWTConfigurationProperty | undefined;
    if (!jwt) continue;
    a.addPropertyOverride('JwtConfiguration.Audience', [...(jwt.audience ?? []), client.userPoolClientId]);
  }
}

/**
 * CDK's BucketDeployment custom resource (a CDK-managed Lambda that copies the build into the bucket at deploy time).
 */
function acknowledgeDeployment(deployment: s3deploy.BucketDeployment, bucket: s3.Bucket): void {
  const handler = Stack.of(deployment).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const reason =
    'CDK BucketDeployment (deploy-time custom resource copying web/dist into the console bucket): CDK fixes its ' +
    'role and policy; it runs only during cdk deploy.';
  acknowledge(
    handler,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    `${reason} The managed policy only lets it write its own logs.`,
  );
  acknowledge(handler, 'AwsSolutions-L1', `${reason} CDK pins the runtime of its deployment handler.`);
  // CloudFront invalidation (index.html, config.json) has no resource-level permission: CDK grants it on *.
  acknowledge(
    handler,
    'AwsSolutions-IAM5[Resource::*]',
    `${reason} cloudfront:CreateInvalidation / GetInvalidation support no resource ARN.`,
  );
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
    acknowledge(
      handler,
      `AwsSolutions-IAM5[Action::${action}]`,
      `${reason} CDK's read/write grant on the two buckets it copies between.`,
    );
  }
  acknowledge(
    handler,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    `${reason} It reads the build from the CDK assets bucket.`,
  );
  acknowledge(
    handler,
    `AwsSolutions-IAM5[Resource::<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
    `${reason} It writes and prunes every file of the console bucket, which holds only the console.`,
  );
  void deployment;
}
