import { z } from 'zod';
import { clock } from '../../adapters/clock';
import { getCustomer } from '../../adapters/db/customers';
import { revokeCustomerLinks } from '../../adapters/db/links';
import { notFound } from '../http';
import { route } from '../route';
import { common, Id } from '../schemas';

const Revoked = z.object({ customerId: z.string(), revokedLinkIds: z.array(z.string()), revokedAt: z.string() });

/** Finance withdraws every personal link of a customer (a link forwarded to the wrong person, a contact who left). */
export const customerLinkRoutes = [
  route({
    method: 'POST',
    path: '/customers/{customerId}/links/revoke',
    operationId: 'revokeCustomerLinks',
    tag: 'Customers',
    access: 'finance',
    summary:
      'Revoke every link to the customer page sent to this customer so far: they open the neutral "invalid link" ' +
      'page from now on; later messages carry new links',
    params: z.object({ customerId: Id }),
    responses: {
      200: { description: 'The links revoked now (those already revoked are not listed again)', schema: Revoked },
      ...common(404),
    },
    handle: async ({ params, principal }) => {
      if (!(await getCustomer(params.customerId))) throw notFound(`customer ${params.customerId}`);
      const revokedAt = clock().now().toISOString();
      const revokedLinkIds = await revokeCustomerLinks(params.customerId, revokedAt, principal.actor);
      return { status: 200, body: { customerId: params.customerId, revokedLinkIds, revokedAt } };
    },
  }),
];
