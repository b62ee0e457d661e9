import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { Alerts } from '../../lib/alerts/alerts';
import { AdminApi, type ApiAuth } from '../../lib/api/admin-api';
import { buildApp, demoContext } from '../../lib/app';
import { retentionOf } from '../../lib/encaisse-stack';
import { isValidIban, parseSettings, SettingsError } from '../../lib/settings';
import { EncaisseFunction } from '../../lib/shared/function';
import { functionId, synthesizeForAssertions } from './support';

const valid = { ...demoContext };

describe('deployment settings (CDK context)', () => {
  it('the demo settings of cdk.json are valid and get defaults', () => {
    const s = parseSettings(valid);
    expect(s.financeEmails).toEqual(['finance@encaisse.example.fr']);
    expect(s.sweepTime).toBe('06:30');
    expect(s.logRetentionDays).toBe(90);
  });

  it('operators receive the alarms; finance only when asked (it gets the business alerts by e-mail already)', () => {
    const s = parseSettings({ ...valid, operatorEmails: 'ops@x.fr, astreinte@x.fr' });
    expect(s.operatorEmails).toEqual(['ops@x.fr', 'astreinte@x.fr']);
    expect(s.subscribeFinanceToAlarms).toBe(false);
  });

  it('finance recipients may be given on the command line as a comma-separated list', () => {
    expect(parseSettings({ ...valid, financeEmails: 'a@x.fr, b@x.fr' }).financeEmails).toEqual(['a@x.fr', 'b@x.fr']);
  });

  it('command-line numbers and booleans arrive as strings and are understood', () => {
    const s = parseSettings({ ...valid, logRetentionDays: '30', subscribeFinanceToAlarms: 'false' });
    expect(s.logRetentionDays).toBe(30);
    expect(s.subscribeFinanceToAlarms).toBe(false);
  });

  it('without any setting the app refuses to synthesize, naming each missing setting', () => {
    let error: unknown;
    try {
      buildApp({}, { bundle: false, nag: false });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const message = (error as Error).message;
    const required = [
      'senderEmail',
      'financeEmails',
      'operatorEmails',
      'agencyEmail',
      'creditorName',
      'creditorIban',
      'creditorBic',
      'creditorAddress',
    ];
    for (const key of required) {
      expect(message).toContain(`context ${key}`);
    }
  });

  it.each(['creditorName', 'creditorIban', 'creditorBic', 'creditorAddress'])(
    'without %s (the creditor on every letter) synthesis stops, naming it',
    (key) => {
      const context: Record<string, unknown> = { ...valid };
      delete context[key];
      expect(() => buildApp(context, { bundle: false, nag: false })).toThrow(new RegExp(`context ${key}`));
    },
  );

  it(
    'the creditor’s IBAN and BIC may be typed with spaces and in lower case; they are stored compact and upper ' +
      'case',
    () => {
      const s = parseSettings({
        ...valid,
        creditorIban: 'fr76 3000 6000 0112 3456 7890 189',
        creditorBic: 'agri fr pp',
      });
      expect(s.creditorIban).toBe('FR7630006000011234567890189');
      expect(s.creditorBic).toBe('AGRIFRPP');
    },
  );

  it('the holiday calendar is metropolitan unless set to alsace-moselle; any other name stops synthesis', () => {
    expect(parseSettings(valid).holidayCalendar).toBe('metropole');
    expect(parseSettings({ ...valid, holidayCalendar: 'alsace-moselle' }).holidayCalendar).toBe('alsace-moselle');
    expect(() => buildApp({ ...valid, holidayCalendar: 'alsace' }, { bundle: false, nag: false })).toThrow(
      /context holidayCalendar: .*alsace-moselle/,
    );
  });

  it('the creditor’s address may be given as lines or as one "|"-separated string (command line)', () => {
    expect(parseSettings(valid).creditorAddress).toEqual(['12 rue de la Paix', '75002 Paris']);
    expect(
      parseSettings({ ...valid, creditorAddress: ' 3 quai des Chartrons | 33000 Bordeaux |' }).creditorAddress,
    ).toEqual(['3 quai des Chartrons', '33000 Bordeaux']);
  });

  it.each([
    [{ senderEmail: 'not-an-address' }, 'senderEmail'],
    [{ financeEmails: 'finance@x.fr,oops' }, 'financeEmails'],
    [{ financeEmails: [] }, 'financeEmails'],
    [{ agencyEmail: '' }, 'agencyEmail'],
    [{ operatorEmails: 'ops@x.fr,oops' }, 'operatorEmails'],
    [{ operatorEmails: [] }, 'operatorEmails'],
    [{ sweepTime: '25:00' }, 'sweepTime'],
    [{ cognitoUserPoolId: 'eu-west-3_Abc123' }, 'cognitoClientId'],
    [{ jwtIssuer: 'http://idp.example.fr', jwtAudience: 'encaisse' }, 'jwtIssuer'],
    [{ jwtIssuer: 'https://idp.example.fr' }, 'jwtAudience'],
    [{ creditorName: '  ' }, 'creditorName'],
    [{ creditorIban: 'FR7630006000011234567890188' }, 'creditorIban'],
    [{ creditorIban: 'FR76300060' }, 'creditorIban'],
    [{ creditorBic: 'AGRIFRPPX' }, 'creditorBic'],
    [{ creditorAddress: [] }, 'creditorAddress'],
    [{ creditorAddress: '|' }, 'creditorAddress'],
    [{ creditorAddress: ['12 rue de la Paix|75002 Paris'] }, 'creditorAddress'],
  ])('a malformed setting %j is reported by name (%s)', (override, name) => {
    expect(() => parseSettings({ ...valid, ...override })).toThrow(new RegExp(`context ${name}`));
  });

  it('an IBAN is accepted only when its check digits are right (ISO 7064 mod 97-10)', () => {
    expect(isValidIban('FR7630006000011234567890189')).toBe(true);
    expect(isValidIban('FR14 2004 1010 0505 0001 3M02 606')).toBe(true); // letters in the account number
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('FR7630006000011234567890198')).toBe(false); // two digits swapped
    expect(isValidIban('FR0030006000011234567890189')).toBe(false);
    expect(isValidIban('7630006000011234567890189FR')).toBe(false);
    expect(isValidIban('')).toBe(false);
  });

  it('a log retention in days maps to the nearest CloudWatch retention at or above it', () => {
    expect(retentionOf(90)).toBe(logs.RetentionDays.THREE_MONTHS);
    expect(retentionOf(100)).toBe(logs.RetentionDays.FOUR_MONTHS);
    expect(retentionOf(1)).toBe(logs.RetentionDays.ONE_DAY);
  });
});

// Each test synthesizes a small stack; the first also loads the CDK modules, slow on a loaded machine.
describe('an Alsace-Moselle creditor’s stack', { timeout: 120_000 }, () => {
  it('gives its holiday calendar to every function that counts business days or plans a send', () => {
    const { json } = synthesizeForAssertions({ holidayCalendar: 'alsace-moselle' });
    const calendarOf = (name: string) =>
      json.Resources[functionId(json, name)].Properties?.Environment?.Variables?.HOLIDAY_CALENDAR;
    for (const name of ['dunning-plan', 'sweep', 'books-export', 'customer-page'])
      expect([name, calendarOf(name)]).toEqual([name, 'alsace-moselle']);
    expect(calendarOf('ingest')).toBeUndefined();
  });
});

describe('admin API authentication choices', { timeout: 120_000 }, () => {
  // A small stack around the AdminApi construct: no full app synthesis, no bundling.
  const apiTemplate = (auth: ApiAuth) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Api');
    const apiFunction = new EncaisseFunction(stack, 'Api', { name: 'api', description: 'api' });
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    const stateMachine = new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    });
    const alerts = new Alerts(stack, 'Alerts', {
      key: new kms.Key(stack, 'Key'),
      alarmEmails: [],
      senderEmail: 'relances@x.fr',
    });
    new AdminApi(stack, 'AdminApi', {
      apiFunction,
      table,
      statementsBucket: new s3.Bucket(stack, 'Statements'),
      documentsBucket: new s3.Bucket(stack, 'Documents'),
      stateMachine,
      alerts,
      auth,
      logRetention: logs.RetentionDays.ONE_MONTH,
      rateLimit: 5,
      burstLimit: 10,
    });
    return Template.fromStack(stack);
  };

  it('an external OIDC issuer is used as is, and no user pool is created', () => {
    const t = apiTemplate({ kind: 'jwt', issuer: 'https://idp.example.fr', audience: ['encaisse'] });
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://idp.example.fr', Audience: ['encaisse'] },
    });
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
  });

  it('an existing Cognito user pool is trusted through its issuer and client id, and no pool is created', () => {
    const t = apiTemplate({ kind: 'existing-user-pool', userPoolId: 'eu-west-3_Abc123', clientId: 'client123' });
    const authorizers = t.findResources('AWS::ApiGatewayV2::Authorizer');
    const config = Object.values(authorizers)[0].Properties.JwtConfiguration;
    expect(config.Audience).toEqual(['client123']);
    expect(JSON.stringify(config.Issuer)).toContain('eu-west-3_Abc123');
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
  });
});
