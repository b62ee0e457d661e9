import { z } from 'zod';
import { parisToday } from '../../adapters/clock';
import { customerInvoices, settledInvoices } from '../../adapters/db/api-reads';
import {
  createCustomer,
  customerCreditCents,
  getCustomer,
  listCustomers,
  replaceCustomer,
} from '../../adapters/db/customers';
import { addDays } from '../../core/dates';
import { isValidIban, normalizeIban } from '../../core/imports';
import {
  Contact,
  Customer,
  EntityId,
  IanaTimeZone,
  Language,
  NonNegativeAmountCents,
  Segment,
  singleLine,
} from '../../core/model';
import { isReceivable, PayerScore, payerScore } from '../../core/reports';
import { HttpProblem, notFound, toChange, versionConflict } from '../http';
import { pageQuery, route } from '../route';
import { common, Id, Page } from '../schemas';

const Iban = z.string().transform(normalizeIban).refine(isValidIban, 'not a valid IBAN');

/** What a client may set on a customer (the version is the ETag, not a field). */
const customerFields = {
  name: singleLine(200).min(1),
  isBusiness: z.boolean().default(true),
  segment: Segment.default('standard'),
  policyId: EntityId.optional(),
  language: Language.default('fr'),
  timeZone: IanaTimeZone.default('Europe/Paris'),
  contacts: z.array(Contact).max(20).default([]),
  accountManagerEmail: z.string().email().optional(),
  ibans: z.array(Iban).max(20).default([]),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
  creditLimitCents: NonNegativeAmountCents.optional(),
  blockWhenOverLimit: z.boolean().default(false),
  reminderGrouping: z.enum(['per_customer', 'per_invoice']).default('per_customer'),
  postalAddress: z.array(singleLine(200)).max(6).default([]),
  /** A person: letters greet "Madame Petit" (civility and family name) rather than "Madame, Monsieur". */
  civility: Customer.shape.civility,
  familyName: Customer.shape.familyName,
};
export const CustomerCreate = z.object({ customerId: Id, ...customerFields });
export const CustomerReplace = z.object(customerFields);
/** Every field optional and without defaults: what is absent is left as it is. */
const withoutDefault = (v: z.ZodType): z.ZodType => (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v);
export const CustomerPatch = z.object(
  Object.fromEntries(
    Object.entries(customerFields).map(([k, v]) => [k, withoutDefault(v as z.ZodType).optional()]),
  ) as { [K in keyof typeof customerFields]: z.ZodOptional<z.ZodType<z.output<(typeof customerFields)[K]>>> },
);

const CustomerView = Customer.extend({
  /** Owed now, and whether new sales should be blocked (credit limit exceeded and the block flag set). */
  exposure: z
    .object({
      openCents: z.number().int(),
      /** Overpayments kept as the customer's credit (unapplied cash), to apply or refund. */
      creditCents: z.number().int(),
      overLimit: z.boolean(),
      blockNewSales: z.boolean(),
    })
    .optional(),
});

const Params = z.object({ customerId: Id });
const tag = 'Customers';

async function exposureOf(customer: Customer) {
  const invoices = await customerInvoices(customer.customerId);
  const openCents = invoices.filter(isReceivable).reduce((s, i) => s + i.openCents, 0);
  const creditCents = await customerCreditCents(customer.customerId);
  const overLimit = customer.creditLimitCents !== undefined && openCents > customer.creditLimitCents;
  return { openCents, creditCents, overLimit, blockNewSales: overLimit && customer.blockWhenOverLimit };
}

async function replace(current: Customer, next: Customer): Promise<Customer> {
  const saved = await replaceCustomer(next, current.version);
  if (!saved) throw versionConflict(`customer ${current.customerId}`);
  return saved;
}

async function loadForChange(customerId: string, ifMatch: number | undefined): Promise<Customer> {
  return toChange(`customer ${customerId}`, await getCustomer(customerId), ifMatch);
}

export const customerRoutes = [
  route({
    method: 'GET',
    path: '/customers',
    operationId: 'listCustomers',
    tag,
    access: 'read',
    summary: 'List customers',
    query: z.object({
      segment: Segment.optional().describe('Only customers of this segment (filters the page)'),
      ...pageQuery,
    }),
    responses: { 200: { description: 'A page of customers', schema: Page(Customer) }, ...common() },
    handle: async ({ query }) => {
      const page = await listCustomers({ limit: query.limit, cursor: query.cursor });
      return {
        status: 200,
        body: {
          items: query.segment ? page.items.filter((c) => c.segment === query.segment) : page.items,
          nextCursor: page.nextCursor,
        },
      };
    },
  }),
  route({
    method: 'POST',
    path: '/customers',
    operationId: 'createCustomer',
    tag,
    access: 'finance',
    summary: 'Create a customer with contacts, language, segment, policy, terms, credit limit and IBANs',
    body: CustomerCreate,
    responses: { 201: { description: 'Created', schema: Customer, etag: true }, ...common(409, 413, 415) },
    handle: async ({ body }) => {
      const customer = Customer.parse({ ...body, version: 0 });
      if (!(await createCustomer(customer)))
        throw new HttpProblem(
          'already-exists',
          `customer ${body.customerId} already exists: update it with PUT or PATCH`,
        );
      return {
        status: 201,
        body: customer,
        version: 0,
        headers: { location: `/customers/${encodeURIComponent(customer.customerId)}` },
      };
    },
  }),
  route({
    method: 'GET',
    path: '/customers/{customerId}',
    operationId: 'getCustomer',
    tag,
    access: 'read',
    summary: 'One customer, with what it owes and whether new sales are blocked',
    params: Params,
    responses: { 200: { description: 'The customer', schema: CustomerView, etag: true }, ...common(404) },
    handle: async ({ params }) => {
      const customer = await getCustomer(params.customerId);
      if (!customer) throw notFound(`customer ${params.customerId}`);
      return { status: 200, body: { ...customer, exposure: await exposureOf(customer) }, version: customer.version };
    },
  }),
  route({
    method: 'PUT',
    path: '/customers/{customerId}',
    operationId: 'replaceCustomer',
    tag,
    access: 'finance',
    ifMatch: 'required',
    summary: 'Replace a customer (send If-Match with the ETag you read)',
    params: Params,
    body: CustomerReplace,
    responses: { 200: { description: 'Saved', schema: Customer, etag: true }, ...common(404, 409, 413, 415, 428) },
    handle: async ({ params, body, ifMatch }) => {
      const current = await loadForChange(params.customerId, ifMatch);
      const saved = await replace(
        current,
        Customer.parse({ ...body, customerId: current.customerId, version: current.version }),
      );
      return { status: 200, body: saved, version: saved.version };
    },
  }),
  route({
    method: 'PATCH',
    path: '/customers/{customerId}',
    operationId: 'updateCustomer',
    tag,
    access: 'finance',
    ifMatch: 'required',
    summary: 'Change some fields of a customer (send If-Match with the ETag you read)',
    params: Params,
    body: CustomerPatch,
    responses: { 200: { description: 'Saved', schema: Customer, etag: true }, ...common(404, 409, 413, 415, 428) },
    handle: async ({ params, body, ifMatch }) => {
      const current = await loadForChange(params.customerId, ifMatch);
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const saved = await replace(current, Customer.parse({ ...current, ...patch }));
      return { status: 200, body: saved, version: saved.version };
    },
  }),
  route({
    method: 'GET',
    path: '/customers/{customerId}/payer-score',
    operationId: 'getPayerScore',
    tag,
    access: 'read',
    summary: 'Payer score: average days late, share paid on time, trend (from the invoices paid in the last 24 months)',
    params: Params,
    responses: { 200: { description: 'The score', schema: PayerScore }, ...common(404) },
    handle: async ({ params }) => {
      const customer = await getCustomer(params.customerId);
      if (!customer) throw notFound(`customer ${params.customerId}`);
      const today = parisToday();
      const invoices = await customerInvoices(customer.customerId);
      const since = addDays(today, -730);
      const settled = await settledInvoices(invoices.filter((i) => i.status === 'paid' && i.dueDate >= since));
      const overdueCents = invoices
        .filter((i) => isReceivable(i) && i.dueDate < today)
        .reduce((s, i) => s + i.openCents, 0);
      return { status: 200, body: payerScore({ customerId: customer.customerId, settled, overdueCents }) };
    },
  }),
];
