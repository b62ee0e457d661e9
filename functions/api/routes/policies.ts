import { z } from 'zod';
import { getPolicy, listPolicies, PolicyVersionConflictError, savePolicy } from '../../adapters/db/policies';
import { Policy, PolicyStep } from '../../core/dunning/policy';
import { EntityId, NonNegativeAmountCents } from '../../core/model';
import { fieldErrors, HttpProblem, notFound, validationProblem, versionConflict } from '../http';
import { offsetPage, pageQuery, route } from '../route';
import { common, Page } from '../schemas';

const Params = z.object({ policyId: EntityId });
const tag = 'Policies';
/** A step as a client sends it: its amount threshold bounded like every money input. */
const PolicyStepBody = PolicyStep.extend({
  conditions: PolicyStep.shape.conditions
    .unwrap()
    .extend({ minOpenCents: NonNegativeAmountCents.optional() })
    .optional(),
});
/** A policy as a client sends it: the version is assigned by the server (latest + 1); its id follows the id rule. */
const PolicyBody = z
  .object(Policy.shape)
  .omit({ version: true })
  .extend({ policyId: EntityId, steps: z.array(PolicyStepBody).min(1).max(30) });
const PolicyUpdate = PolicyBody.omit({ policyId: true });

async function save(input: z.infer<typeof PolicyBody>, expected: number | undefined) {
  // Policy's own refinements (ordered steps, levels fitting channels) run again here with the version.
  const checked = Policy.safeParse({ ...input, version: (expected ?? 0) + 1 });
  if (!checked.success) throw validationProblem(fieldErrors('body', checked.error));
  try {
    return await savePolicy(input, expected);
  } catch (err) {
    if (err instanceof PolicyVersionConflictError)
      throw versionConflict(`policy ${input.policyId}`, err.currentVersion);
    throw err;
  }
}

export const policyRoutes = [
  route({
    method: 'GET',
    path: '/policies',
    operationId: 'listPolicies',
    tag,
    access: 'read',
    summary: 'Dunning policies ("scénarios de relance"), latest version of each, built-in ones included',
    query: z.object(pageQuery),
    responses: { 200: { description: 'A page of policies', schema: Page(Policy) }, ...common() },
    handle: async ({ query }) => {
      return { status: 200, body: offsetPage(await listPolicies(), query.cursor, query.limit) };
    },
  }),
  route({
    method: 'GET',
    path: '/policies/{policyId}',
    operationId: 'getPolicy',
    tag,
    access: 'read',
    summary: 'A policy: its latest version, or the version asked',
    params: Params,
    query: z.object({ version: z.coerce.number().int().min(0).optional() }),
    responses: { 200: { description: 'The policy', schema: Policy, etag: true }, ...common(404) },
    handle: async ({ params, query }) => {
      const policy = await getPolicy(params.policyId, query.version);
      if (!policy)
        throw notFound(`policy ${params.policyId}${query.version === undefined ? '' : ` version ${query.version}`}`);
      return { status: 200, body: policy, version: policy.version };
    },
  }),
  route({
    method: 'POST',
    path: '/policies',
    operationId: 'createPolicy',
    tag,
    access: 'finance',
    summary: 'Create a policy (version 1)',
    body: PolicyBody,
    responses: { 201: { description: 'Created', schema: Policy, etag: true }, ...common(409, 413, 415) },
    handle: async ({ body }) => {
      if (await getPolicy(body.policyId))
        throw new HttpProblem('already-exists', `policy ${body.policyId} exists: update it with PUT`);
      const saved = await save(body, undefined).catch((err) => {
        if (err instanceof HttpProblem && err.type === 'version-conflict')
          throw new HttpProblem('already-exists', `policy ${body.policyId} was created at the same moment`);
        throw err;
      });
      return {
        status: 201,
        body: saved,
        version: saved.version,
        headers: { location: `/policies/${encodeURIComponent(saved.policyId)}` },
      };
    },
  }),
  route({
    method: 'PUT',
    path: '/policies/{policyId}',
    operationId: 'updatePolicy',
    tag,
    access: 'finance',
    ifMatch: 'required',
    summary:
      'Save a new version of a policy (running workflows keep the version they started with); If-Match guards ' +
      'concurrent edits',
    params: Params,
    body: PolicyUpdate,
    responses: {
      200: { description: 'The new version', schema: Policy, etag: true },
      ...common(404, 409, 413, 415, 428),
    },
    handle: async ({ params, body, ifMatch }) => {
      const current = await getPolicy(params.policyId);
      if (!current) throw notFound(`policy ${params.policyId}`);
      // If-Match: * = the version just read
      const saved = await save({ ...body, policyId: params.policyId }, ifMatch ?? current.version);
      return { status: 200, body: saved, version: saved.version };
    },
  }),
];
