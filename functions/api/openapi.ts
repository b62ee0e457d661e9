import { z } from 'zod';
import { roleGroups } from '../core/roles';
import { Problem } from './http';
import type { Route } from './route';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with (request side as input,
 * response side as output), so the contract cannot drift from the code.
 */
export function buildOpenApi(
  routes: readonly Route[],
  info: { version: string; serverUrl?: string } = { version: '0.1.0' },
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const params = [...parameters(r.params, 'path'), ...parameters(r.query, 'query')];
    if (r.ifMatch) {
      const required = r.ifMatch === 'required';
      const description = required
        ? 'ETag from a read ("v3"): the change is refused with 409 if the resource changed since, with 428 if the ' +
          'header is missing; * overwrites whatever is current'
        : 'ETag from a read ("v3"): the change is refused with 409 if the resource changed since';
      params.push({ name: 'If-Match', in: 'header', required, description, schema: { type: 'string' } });
    }
    const responses: Json = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const content: Json = {};
      if (spec.schema)
        content[spec.contentType ?? 'application/json'] = {
          schema:
            spec.schema === Problem ? { $ref: '#/components/schemas/Problem' } : jsonSchema(spec.schema, 'output'),
        };
      for (const alt of spec.alternatives ?? [])
        content[alt.contentType] = { schema: { type: 'string', description: alt.description } };
      for (const [type, schema] of Object.entries(spec.extraContent ?? {}))
        content[type] = { schema: jsonSchema(schema, 'output') };
      responses[status] = {
        description: spec.description,
        ...(Object.keys(content).length ? { content } : {}),
        ...(spec.etag
          ? { headers: { ETag: { description: 'Version of the resource, for If-Match', schema: { type: 'string' } } } }
          : {}),
      };
    }
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } }
        : {}),
      ...(r.textBody
        ? {
            requestBody: {
              required: true,
              description: r.textBody.description,
              content: Object.fromEntries(r.textBody.contentTypes.map((t) => [t, { schema: { type: 'string' } }])),
            },
          }
        : {}),
      responses,
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      'x-encaisse-role':
        r.access === 'finance'
          ? roleGroups.finance
          : r.access === 'read'
            ? `${roleGroups.finance} or ${roleGroups.readonly}`
            : 'anyone',
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'encaisse admin API',
      version: info.version,
      description:
        'Cash collection for French SMEs: invoices in, review queue, customers, dunning policies, aged balance and ' +
        'forecasts. ' +
        'Amounts are integer cents; dates YYYY-MM-DD. Errors are application/problem+json (RFC 9457) with a stable ' +
        'type URI.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Problem: jsonSchema(Problem, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            `Cognito user pool token (groups ${roleGroups.finance} or ${roleGroups.readonly}); locally ` +
            `the configured token`,
        },
      },
    },
  };
}
