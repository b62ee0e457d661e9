import { describe, expect, it } from 'vitest';
import { flat, functionId, resourcesOfType, roleStatements, synthesizeForAssertions } from './support';

/** The customer page's place in the stack: public routes of their own, throttled, and a role written out. */
const { json } = synthesizeForAssertions();
const pageId = functionId(json, 'customer-page');
const statements = roleStatements(json, pageId);
const list = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);
const [[secretId]] = resourcesOfType(json, 'AWS::SecretsManager::Secret');

describe('the customer page in the stack', () => {
  it('serves GET /c/{token}, POST /c/{token}/{action}, GET /c/s/{code} with no authorizer, from its function', () => {
    const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties!)
      .filter((r) => String(r.RouteKey).includes('/c/'));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([
      'GET /c/s/{code}',
      'GET /c/{token}',
      'POST /c/{token}/{action}',
    ]);
    const integrations = Object.fromEntries(
      resourcesOfType(json, 'AWS::ApiGatewayV2::Integration').map(([id, i]) => [
        id,
        flat(i.Properties!.IntegrationUri),
      ]),
    );
    for (const r of routes) {
      expect(r.AuthorizationType).toBe('NONE');
      const integrationId = flat(r.Target)
        .replace(/^integrations\/</, '')
        .replace(/>$/, '');
      expect(integrations[integrationId]).toBe(`<${pageId}.Arn>`);
    }
  });

  it('throttles each page route on its own, below the admin API', () => {
    const [[, stage]] = resourcesOfType(json, 'AWS::ApiGatewayV2::Stage');
    const limits = { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 };
    expect(stage.Properties!.RouteSettings).toEqual({
      'GET /c/{token}': limits,
      'POST /c/{token}/{action}': limits,
      'GET /c/s/{code}': limits,
    });
  });

  it(
    'its role is exactly: read the customer, links, invoices with their payments, policies and rates; write ' +
      'invoices and the record of a posted form; read PDFs, write disputes; read the link keys; mail finance',
    () => {
      const summary = statements
        .map((s) =>
          `${list(s.Action).sort().join(',')} ${list(s.Resource as unknown)
            .map(flat)
            .sort()
            .join(',')} ${s.Condition ? JSON.stringify(s.Condition) : ''}`.trim(),
        )
        .map((line) =>
          line
            .replace(/<StorageTable\w+\.Arn>/g, '<Table>')
            .replace(/<StorageDocumentsBucket\w+\.Arn>/g, '<DocumentsBucket>')
            .replace(/<CustomerPageFunctionLogs\w+\.Arn>/g, '<its own log group>')
            .replace(`<${secretId}>`, '<LinkKeys secret>')
            .replace(/arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:/g, '')
            .replace(/<AlertsConfigurationSet\w+>/g, '<ConfigurationSet>'),
        )
        .sort();
      expect(summary).toEqual([
        'dynamodb:DeleteItem <Table> {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["ANSWER#*"]}}',
        'dynamodb:GetItem <Table> ' +
          '{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":' +
          '["CUSTOMER#*","INVOICE#*","LINKCODE#*","RATES","ANSWER#*"]}}',
        'dynamodb:PutItem <Table> {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["INVOICE#*","ANSWER#*"]}}',
        'dynamodb:Query <Table> {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["INVOICE#*"]}}',
        'dynamodb:Query <Table>/index/gsi1 {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["CUSTOMER#*"]}}',
        'dynamodb:Query <Table>/index/gsi2 {"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["POLICIES"]}}',
        'logs:CreateLogStream,logs:PutLogEvents <its own log group>',
        's3:GetObject <DocumentsBucket>/invoices/*',
        's3:PutObject <DocumentsBucket>/disputes/*',
        'secretsmanager:GetSecretValue <LinkKeys secret>',
        'ses:SendEmail,ses:SendRawEmail ' +
          'configuration-set/<ConfigurationSet>,identity/encaisse.example.fr,identity/relances@encaisse.example.fr',
        'xray:PutTelemetryRecords,xray:PutTraceSegments *',
      ]);
    },
  );

  it('starts, stops and resumes no workflow: the workflow re-checks the invoice’s pause itself', () => {
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it(
    'the page and the senders of reminders, formal notices and handoffs know the secret and the page’s URL; ' +
      'nothing else reads the secret',
    () => {
      for (const name of ['customer-page', 'dunning-dispatch', 'dunning-step']) {
        const env = json.Resources[functionId(json, name)].Properties!.Environment.Variables;
        expect(flat(env.CUSTOMER_LINK_SECRET_ARN), name).toBe(`<${secretId}>`);
        expect(flat(env.CUSTOMER_PAGE_URL), name).toMatch(/^<AdminApiHttpApi\w+\.ApiEndpoint>$/);
      }
      const readers = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, p]) =>
        (p.Properties!.PolicyDocument.Statement as { Action: string | string[] }[]).some((s) =>
          list(s.Action).includes('secretsmanager:GetSecretValue'),
        ),
      ).length;
      expect(readers).toBe(3);
    },
  );

  it('the link keys are generated at deploy time and kept when the stack is deleted', () => {
    const secret = json.Resources[secretId];
    expect(secret.Properties!.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'current',
      SecretStringTemplate: '{}',
      PasswordLength: 64,
    });
    expect(secret.Properties!.SecretString).toBeUndefined();
    expect(secret.DeletionPolicy).toBe('Retain');
  });
});
