import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { roleGroups } from '../../functions/core/roles';
import type { Alerts } from '../alerts/alerts';
import type { EncaisseFunction } from '../shared/function';
import { allowObjects, allowTable, allowWorkflow } from '../shared/grants';
import { acknowledge } from '../shared/nag';
import { documentPrefixes, statementPrefixes } from '../storage/storage';

/** Cognito groups read by the api handler from the `cognito:groups` claim: the same table the handler uses. */
export const apiRoles = roleGroups;

/** The only route without authorizer. */
export const PUBLIC_ROUTE = 'GET /health';

export type ApiAuth =
  | { kind: 'create-user-pool' }
  | { kind: 'existing-user-pool'; userPoolId: string; clientId: string }
  | { kind: 'jwt'; issuer: string; audience: string[] };

export interface AdminApiProps {
  readonly apiFunction: EncaisseFunction;
  readonly table: dynamodb.ITable;
  readonly statementsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
  readonly stateMachine: sfn.IStateMachine;
  readonly alerts: Alerts;
  readonly auth: ApiAuth;
  readonly logRetention: logs.RetentionDays;
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** API p99 latency above this (ms) for 15 minutes raises an alarm (normal: well under a second; a cold start 1-2 s). */
export const API_P99_LATENCY_MS = 3000;
/** 5xx answers in 5 minutes that raise an alarm (one is a transient fault; three is a trend a user feels). */
export const API_5XX_THRESHOLD = 3;

/**
 * Admin API: an HTTP API whose every route but GET /health goes through a JWT authorizer (a Cognito user pool
 * created here with MFA and threat protection, an existing pool, or any OIDC issuer), proxied to one Lambda that
 * routes with middy. Access logs in JSON, stage throttling, alarms on 5xx and p99 latency, and the api function's
 * grants.
 */
export class AdminApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);

    const { authorizer, userPool, userPoolClient } = this.authorizer(props.auth);
    this.userPool = userPool;
    this.userPoolClient = userPoolClient;

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'encaisse admin API',
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            user: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', props.apiFunction.fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const [healthRoute] = this.httpApi.addRoutes({
      path: '/health',
      methods: [apigwv2.HttpMethod.GET],
      integration,
      authorizer: new apigwv2.HttpNoneAuthorizer(),
    });
    acknowledge(
      healthRoute,
      'AwsSolutions-APIG4',
      'GET /health is the one anonymous route by design (load balancer / uptime probe); it returns no data.',
    );
    this.httpApi.addRoutes({ path: '/', methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration, authorizer });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'encaisse admin API base URL' });
    this.alarms(props);
    this.grant(props);
  }

  private alarms({ alerts, apiFunction }: AdminApiProps): void {
    alerts.alarm(
      'Api5xxAlarm',
      this.httpApi.metricServerError({ statistic: cloudwatch.Stats.SUM }),
      'The admin API answered 5xx at least 3 times in 5 minutes (finance and the console see errors).',
      { threshold: API_5XX_THRESHOLD },
    );
    alerts.alarm(
      'ApiLatencyAlarm',
      this.httpApi.metricLatency({ statistic: cloudwatch.Stats.p(99) }),
      'The admin API p99 latency stayed above 3 s for 15 minutes.',
      {
        threshold: API_P99_LATENCY_MS,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    alerts.watchFunction(
      'Api',
      apiFunction,
      'The api function failed (crashed or timed out) rather than answering an error.',
    );
  }

  /**
   * api: everything finance does by hand: re-queue a fixed file, read reports and letters, pause/resume/stop; a match
   * that pays an invoice whose formal notice claimed penalties e-mails finance (ses:SendEmail).
   */
  private grant({
    apiFunction: f,
    table,
    statementsBucket,
    documentsBucket,
    stateMachine,
    alerts,
  }: AdminApiProps): void {
    const { inbox, processed, rejected } = statementPrefixes;
    allowTable(f, table, 'readWrite');
    allowObjects(f, statementsBucket, { read: [processed, rejected], write: [inbox], list: [processed, rejected] });
    allowObjects(f, documentsBucket, {
      read: [documentPrefixes.letters, documentPrefixes.caseFiles, documentPrefixes.disputes],
    });
    allowWorkflow(f, stateMachine, ['start', 'stop', 'describe', 'respond']);
    alerts.allowSendEmail(f);
  }

  private authorizer(auth: ApiAuth): {
    authorizer: apigwv2.IHttpRouteAuthorizer;
    userPool?: cognito.UserPool;
    userPoolClient?: cognito.UserPoolClient;
  } {
    if (auth.kind === 'jwt') {
      return { authorizer: new HttpJwtAuthorizer('JwtAuthorizer', auth.issuer, { jwtAudience: auth.audience }) };
    }
    if (auth.kind === 'existing-user-pool') {
      const pool = cognito.UserPool.fromUserPoolId(this, 'UserPool', auth.userPoolId);
      const client = cognito.UserPoolClient.fromUserPoolClientId(this, 'UserPoolClient', auth.clientId);
      return { authorizer: new HttpUserPoolAuthorizer('CognitoAuthorizer', pool, { userPoolClients: [client] }) };
    }
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Construct ids kept from before the roles moved to functions/core/roles.ts (a new id would replace the group).
    const constructIds: Record<keyof typeof apiRoles, string> = {
      finance: 'Group-finance',
      readonly: 'Group-readOnly',
    };
    for (const [key, groupName] of Object.entries(apiRoles) as [keyof typeof apiRoles, string][]) {
      new cognito.CfnUserPoolGroup(this, constructIds[key], {
        userPoolId: pool.userPoolId,
        groupName,
        description: groupName === apiRoles.finance ? 'can match, pause, write off' : 'can read only',
      });
    }
    const client = pool.addClient('AdminClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'JwtIssuer', {
      value: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`,
    });
    return {
      authorizer: new HttpUserPoolAuthorizer('CognitoAuthorizer', pool, { userPoolClients: [client] }),
      userPool: pool,
      userPoolClient: client,
    };
  }
}
