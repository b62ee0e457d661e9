import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { creditor, requireSettings } from '../adapters/config';
import { requireLinkSettings } from '../adapters/link-keys';
import { handleCustomerPage } from './app';
import { liveDeps } from './live';

requireSettings(['TABLE_NAME', 'DOCUMENTS_BUCKET', 'SENDER_EMAIL', 'FINANCE_EMAILS']);
requireLinkSettings();
creditor(); // the IBAN and BIC the page shows: checked at cold start too

/** The customer's page (public, behind /c/ of the HTTP API, no authorizer: the link's token is the credential). */
const deps = liveDeps();
export const handler = (event: APIGatewayProxyEventV2) => handleCustomerPage(event, deps);
