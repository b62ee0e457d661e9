import { z } from 'zod';
import { readEnv, settings } from '../../adapters/config';
import {
  getStatement,
  listStatements,
  reprocessStatement,
  StatementRecord,
  StatementStatus,
} from '../../adapters/db/statements';
import { notFound, stateConflict } from '../http';
import { pageQuery, route } from '../route';
import { common, Page } from '../schemas';

const Params = z.object({ checksum: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'expected the statement checksum') });
const tag = 'Statements';

export const statementRoutes = [
  route({
    method: 'GET',
    path: '/statements',
    operationId: 'listStatements',
    tag,
    access: 'read',
    summary: 'Ingest history, newest first, with status, counts and the rejection report of rejected files',
    query: z.object({
      status: StatementStatus.optional().describe('Only this status (filters the page)'),
      ...pageQuery,
    }),
    responses: { 200: { description: 'A page of statement records', schema: Page(StatementRecord) }, ...common() },
    handle: async ({ query }) => {
      const page = await listStatements({ limit: query.limit, cursor: query.cursor });
      return {
        status: 200,
        body: {
          items: query.status ? page.items.filter((s) => s.status === query.status) : page.items,
          nextCursor: page.nextCursor,
        },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/statements/{checksum}',
    operationId: 'getStatement',
    tag,
    access: 'read',
    summary: 'One ingested file: how it was read, what it held, where it went, and why it was rejected',
    params: Params,
    responses: { 200: { description: 'The statement record', schema: StatementRecord }, ...common(404) },
    handle: async ({ params }) => {
      const record = await getStatement(params.checksum);
      if (!record) throw notFound(`statement ${params.checksum}`);
      return { status: 200, body: record };
    },
  }),
  route({
    method: 'POST',
    path: '/statements/{checksum}/reprocess',
    operationId: 'reprocessStatement',
    tag,
    access: 'finance',
    summary:
      'Re-process exactly the rejected file of this checksum after a fix (copies it back to ' +
      'inbox/<checksum>/<name>; 409 if already waiting there)',
    params: Params,
    responses: {
      202: { description: 'Queued again', schema: z.object({ inboxKey: z.string() }) },
      ...common(404, 409),
    },
    handle: async ({ params }) => {
      const bucket = readEnv({ STATEMENTS_BUCKET: settings.STATEMENTS_BUCKET }).STATEMENTS_BUCKET;
      const res = await reprocessStatement(params.checksum, bucket);
      if ('refused' in res) {
        if (res.refused === 'unknown statement') throw notFound(`statement ${params.checksum}`);
        throw stateConflict(res.refused);
      }
      return { status: 202, body: { inboxKey: res.inboxKey } };
    },
  }),
];
