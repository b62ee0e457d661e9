import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { creditor } from '../adapters/config';
import { requireLinkSettings } from '../adapters/link-keys';
import { runtime } from '../runtime';
import { handleCustomerPage } from './app';
import { liveDeps } from './live';

requireLinkSettings();
creditor(); // the IBAN and BIC the page shows: checked at cold start too

/** The customer's page (public, behind /c/ of the HTTP API, no authorizer: the link's token is the credential). */
const deps = liveDeps();
export const handler = runtime<APIGatewayProxyEventV2, Awaited<ReturnType<typeof handleCustomerPage>>>({
  name: 'customer-page',
  settings: ['TABLE_NAME', 'DOCUMENTS_BUCKET', 'SENDER_EMAIL', 'FINANCE_EMAILS', 'HOLIDAY_CALENDAR'],
  correlationId: (event) => event.requestContext?.requestId,
}).handler((event) => handleCustomerPage(event, deps));
