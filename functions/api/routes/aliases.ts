import { z } from 'zod';
import { CustomerAlias, listCustomerAliases, removeAlias } from '../../adapters/db/aliases';
import { getCustomer } from '../../adapters/db/customers';
import { idOf } from '../../core/model';
import { notFound } from '../http';
import { route } from '../route';
import { common, Id } from '../schemas';

const tag = 'Customers';
const Params = z.object({ customerId: Id });

/** Payer aliases: IBANs and payer names finance taught by correcting the matcher; visible and removable. */
export const aliasRoutes = [
  route({
    method: 'GET',
    path: '/customers/{customerId}/aliases',
    operationId: 'listCustomerAliases',
    tag,
    access: 'finance',
    summary:
      'Payer IBANs and names learned from finance corrections for this customer, live and removed, with who taught ' +
      'them, when and from which payment',
    params: Params,
    responses: {
      200: { description: 'The aliases', schema: z.object({ items: z.array(CustomerAlias) }) },
      ...common(404),
    },
    handle: async ({ params }) => {
      if (!(await getCustomer(params.customerId))) throw notFound(`customer ${params.customerId}`);
      return { status: 200, body: { items: await listCustomerAliases(params.customerId) } };
    },
  }),
  route({
    method: 'DELETE',
    path: '/customers/{customerId}/aliases/{aliasId}',
    operationId: 'removeCustomerAlias',
    tag,
    access: 'finance',
    summary:
      'Remove an alias: the matcher no longer uses it and never learns it again for this customer (kept as a ' +
      'tombstone); audited',
    params: Params.extend({ aliasId: idOf(260) }),
    responses: { 200: { description: 'Removed (the tombstone)', schema: CustomerAlias }, ...common(404) },
    handle: async ({ params, principal }) => {
      const removed = await removeAlias(params.customerId, params.aliasId, principal.actor);
      if (!removed) throw notFound(`alias ${params.aliasId} of customer ${params.customerId}`);
      return { status: 200, body: removed };
    },
  }),
];
