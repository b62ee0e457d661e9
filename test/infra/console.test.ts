import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, demoContext } from '../../lib/app';
import { type CfnResource, flat, resourcesOfType, synthesizeForAssertions } from './support';

// Without a web build (what every other test synthesizes) and with one (a stand-in web/dist of one file).
const dist = mkdtempSync(path.join(tmpdir(), 'encaisse-console-dist-'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>encaisse</title>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));
const bare = synthesizeForAssertions();
const deployed = synthesizeForAssertions({ consoleAssets: dist });
const t = deployed.json;

const one = (type: string): CfnResource => {
  const found = resourcesOfType(t, type);
  expect(
    found.map(([id]) => id),
    type,
  ).toHaveLength(1);
  return found[0][1];
};
const distribution = () => one('AWS::CloudFront::Distribution').Properties!.DistributionConfig;

describe('finance console: files in a private bucket behind CloudFront', () => {
  it(
    'keeps the bucket private, encrypted, TLS-only and logged, readable by CloudFront through origin access ' +
      'control only',
    () => {
      const [bucketId, bucket] = resourcesOfType(t, 'AWS::S3::Bucket').find(([id]) => id.startsWith('ConsoleBucket'))!;
      expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties!.BucketEncryption).toBeDefined();
      expect(bucket.Properties!.LoggingConfiguration.LogFilePrefix).toBe('console/');
      const policy = resourcesOfType(t, 'AWS::S3::BucketPolicy').find(([, p]) =>
        flat(p.Properties!.Bucket).includes(bucketId),
      )![1];
      const statements = policy.Properties!.PolicyDocument.Statement as {
        Effect: string;
        Principal?: { Service?: string };
        Action: string | string[];
        Condition?: unknown;
      }[];
      const reads = statements.filter((s) => s.Effect === 'Allow');
      expect(reads).toHaveLength(1);
      expect(reads[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(reads[0].Action).toBe('s3:GetObject');
      expect(flat(reads[0].Condition)).toContain('ConsoleDistribution');
      expect(statements.some((s) => s.Effect === 'Deny' && flat(s.Condition).includes('aws:SecureTransport'))).toBe(
        true,
      );
      expect(one('AWS::CloudFront::OriginAccessControl').Properties!.OriginAccessControlConfig.SigningBehavior).toBe(
        'always',
      );
    },
  );

  it('answers with CSP, HSTS and no framing, and falls back to index.html for app paths only', () => {
    const headers = one('AWS::CloudFront::ResponseHeadersPolicy').Properties!.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    const csp = flat(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/.*amazoncognito\.com https:\/\/\*\.s3\.<AWS::Region>\.amazonaws\.com;/,
    );
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 730 * 86_400,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    const config = distribution();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CustomErrorResponses).toBeUndefined(); // an API 404 must stay a 404, not become index.html
    const functions = resourcesOfType(t, 'AWS::CloudFront::Function').map(([, f]) =>
      String(f.Properties!.FunctionCode),
    );
    expect(functions.some((c) => c.includes("r.uri.indexOf('.') === -1") && c.includes("'/index.html'"))).toBe(true);
  });

  it('serves the admin API under /api/* of the same origin: HTTPS, nothing cached, the prefix removed', () => {
    const api = distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/*');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.AllowedMethods).toContain('POST');
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    // AllViewerExceptHostHeader: the bearer token goes through
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    const origin = distribution().Origins.find((o: { Id: string }) => o.Id === api.TargetOriginId);
    expect(flat(origin.DomainName)).toContain('AdminApiHttpApi');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const functions = resourcesOfType(t, 'AWS::CloudFront::Function').map(([, f]) =>
      String(f.Properties!.FunctionCode),
    );
    expect(functions.some((c) => c.includes("replace(/^\\/api(?=\\/)/, '')"))).toBe(true);
  });
});

describe('finance console: sign-in and uploads', () => {
  it('signs in through Cognito managed login with the authorization code flow only, back to the console URL', () => {
    const clients = resourcesOfType(t, 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties!);
    const consoleClient = clients.find((c) => JSON.stringify(c.CallbackURLs ?? []).includes('ConsoleDistribution'))!;
    expect(consoleClient.AllowedOAuthFlows).toEqual(['code']);
    expect(consoleClient.GenerateSecret).toBe(false);
    expect(consoleClient.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(consoleClient.CallbackURLs).toHaveLength(1);
    expect(flat(consoleClient.CallbackURLs[0])).toMatch(/^https:\/\/<ConsoleDistribution[^>]*\.DomainName>\/$/);
    expect(one('AWS::Cognito::UserPoolDomain').Properties!.ManagedLoginVersion).toBe(2);
    expect(one('AWS::Cognito::ManagedLoginBranding').Properties!.UseCognitoProvidedValues).toBe(true);
  });

  it('lets the API authorizer accept the console client’s tokens beside the admin client’s', () => {
    const authorizer = one('AWS::ApiGatewayV2::Authorizer').Properties!;
    const audience = flat(authorizer.JwtConfiguration.Audience);
    expect(audience).toContain('AdminClient');
    expect(audience).toContain('ConsoleClient');
  });

  it('lets the browser POST statement files to the statements bucket from the console origin only', () => {
    const [, bucket] = resourcesOfType(t, 'AWS::S3::Bucket').find(([id]) => id.startsWith('StorageStatementsBucket'))!;
    const rules = bucket.Properties!.CorsConfiguration.CorsRules;
    expect(rules).toHaveLength(1);
    expect(rules[0].AllowedMethods).toEqual(['POST']);
    expect(rules[0].AllowedOrigins).toHaveLength(1);
    expect(flat(rules[0].AllowedOrigins[0])).toMatch(/^https:\/\/<ConsoleDistribution[^>]*\.DomainName>$/);
  });
});

describe('finance console: deployment of the web build', () => {
  it(
    'uploads web/dist with a config.json naming the API path and the login, only when asked (-c ' +
      'consoleAssets=...)',
    () => {
      expect(resourcesOfType(bare.json, 'Custom::CDKBucketDeployment')).toHaveLength(0);
      const deployment = one('Custom::CDKBucketDeployment').Properties!;
      expect(deployment.Prune).toBe(true);
      expect(deployment.SourceObjectKeys).toHaveLength(2);
      expect(flat(deployment.SourceMarkers)).toContain('ConsoleClient');
      expect(flat(deployment.DistributionPaths)).toContain('/config.json');
    },
  );

  it('is cdk-nag clean with the web build deployed, each exception acknowledged with a reason', () => {
    const { app } = buildApp({ ...demoContext, consoleAssets: dist }, { bundle: false, nag: false });
    const remaining = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(remaining).toEqual([]);
  });
});
