/**
 * The customer page's requests, start to end: GET /c/{token} shows the page (GET /c/s/{code}, a letter's short link,
 * redirects there); POST /c/{token}/{paid|dispute|promise}
 * checks the link, the site the post comes from and the form token, runs the action, and redirects to the page with
 * its confirmation (Post/Redirect/Get), or shows the page again with the refusals beside the fields.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  type PageLanguage,
  pageLanguage,
  renderCustomerPage,
  renderRefusedPage,
  renderUnavailablePage,
} from '../core/customer-page';
import { isValidFormToken, signCustomerLink } from '../core/payments/customer-link';
import { type Access, openLink, openShortLink } from './access';
import { type ActionResult, openDispute, promisePayment, reportPayment } from './actions';
import type { PageDeps } from './deps';
import {
  BodyTooLargeError,
  htmlResponse,
  isCrossSite,
  type PageAction,
  type PageRequest,
  parseForm,
  readRequest,
  redirect,
} from './request';
import { type OpenAccess, pageData } from './view';

/** The status of every refused link: the same for unknown, expired, revoked, forged and malformed tokens. */
export const REFUSED_STATUS = 404;

const DONE = { paid: 'donePaid', dispute: 'doneDispute', promise: 'donePromise' } as const;

export async function handleCustomerPage(
  event: APIGatewayProxyEventV2,
  deps: PageDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const request = readRequest(event);
  const browser = pageLanguage(request?.headers['accept-language'] ?? event.headers?.['accept-language']);
  const refused = () => htmlResponse(REFUSED_STATUS, renderRefusedPage(browser));
  if (!request) return refused();
  // The language of a page of ours that fails: the customer's once the link is trusted, the browser's before.
  const said = { language: browser };
  try {
    return await answer(request, deps, refused, said);
  } catch (err) {
    // A fault of ours while reading or building the page (a read throttled, a rate missing): a page in the reader's
    // language that asks to try again (after a post: that nothing was noted), never API Gateway's bare 500.
    deps.reportFault('customer page not shown', { method: request.method, action: request.action, error: err });
    return htmlResponse(503, renderUnavailablePage(said.language, request.method === 'POST'));
  }
}

async function answer(
  request: PageRequest,
  deps: PageDeps,
  refused: () => APIGatewayProxyStructuredResultV2,
  said: { language: PageLanguage },
): Promise<APIGatewayProxyStructuredResultV2> {
  if (request.shortCode !== undefined) {
    // A short link opens its link's page: the token is signed again from the link it names (current key), only while
    // that link is valid. An unknown code, a revoked link's and an expired one's get the same refusal, after the
    // same reads (the code, then one link): no fresh token for a link that no longer opens.
    const claims = request.method === 'GET' ? await openShortLink(request.shortCode, deps) : undefined;
    if (!claims) return refused();
    const [key] = await deps.linkKeys();
    return redirect(`/c/${signCustomerLink(claims, key)}`);
  }
  const access: Access = await openLink(request.token, deps);
  if (!access.ok) return refused();
  said.language = access.customer.language;
  if (request.method === 'GET' && !request.action) {
    return htmlResponse(
      200,
      renderCustomerPage(
        await pageData(access, request.token, deps, {
          ...(request.done ? { notice: DONE[request.done] } : {}),
          pay: request.pay,
        }),
      ),
    );
  }
  if (request.method !== 'POST' || !request.action)
    return htmlResponse(405, renderCustomerPage(await pageData(access, request.token, deps)));
  return post(request, request.action, access, deps);
}

async function post(
  request: PageRequest,
  action: PageAction,
  access: OpenAccess,
  deps: PageDeps,
): Promise<APIGatewayProxyStructuredResultV2> {
  const again = async (status: number, extra: Parameters<typeof pageData>[3]) =>
    htmlResponse(status, renderCustomerPage(await pageData(access, request.token, deps, extra)));
  if (isCrossSite(request.headers)) return again(403, { notice: 'refusedForm' });
  let form: ReturnType<typeof parseForm>;
  try {
    form = parseForm(request.headers['content-type'], request.body);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return again(413, { errors: { file: 'file_too_large' } });
    throw err;
  }
  if (!form) return again(400, { notice: 'refusedForm' });
  if (!isValidFormToken(form.fields.formToken, access.claims.linkId, access.keys))
    return again(403, { notice: 'refusedForm' });
  const confirmed = () => redirect(`/c/${request.token}?done=${action}`);
  // the same form posted twice (a double click): the second post is answered as the first, which alone records it
  const nonce = NONCE.test(form.fields.nonce ?? '') ? form.fields.nonce : undefined;
  const key = nonce && `${access.claims.linkId}#${action}#${nonce}`;
  if (key) {
    const claim = await claimOrWait(key, deps);
    if (claim === 'done') return confirmed();
    if (claim === 'pending') return again(409, { notice: 'inProgress', values: form.fields });
  }
  const settle = async (done: boolean) => {
    if (key)
      await deps.settleAnswer(key, done, deps.now()).catch((error) => {
        deps.reportFault('customer answer record not settled', { action, done, error });
      });
  };
  let result: ActionResult;
  try {
    if (action === 'paid') result = await reportPayment(access, form.fields, deps);
    else if (action === 'dispute') result = await openDispute(access, form.fields, form.file, deps);
    else result = await promisePayment(access, form.fields, deps);
  } catch (err) {
    // a fault of ours (finance's alert refused, a write that failed): the customer is told, in their language, that
    // nothing was noted and to try again; the fault is logged as any other
    deps.reportFault('customer answer not recorded', { action, error: err });
    await settle(false);
    return again(503, { notice: 'notRecorded', values: form.fields });
  }
  await settle(result.ok);
  // a refused form comes back filled with what was posted (a reason typed at length is not lost)
  if (!result.ok)
    return again(result.errors.file === 'file_too_large' ? 413 : 400, { errors: result.errors, values: form.fields });
  return confirmed();
}

/** A form's nonce as the page writes it (a UUID); any other value is ignored (no deduplication). */
const NONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long a second post waits for the first one's outcome: ANSWER_WAIT_TRIES × ANSWER_WAIT_MS. */
const ANSWER_WAIT_TRIES = 10;
const ANSWER_WAIT_MS = 400;

/**
 * 'claimed': this post records the answer. 'done': another post of the same form recorded it. 'pending': another post
 * is still at it after the wait (the customer is asked to reload in a moment). A claim released by a post that failed
 * is taken again.
 */
async function claimOrWait(key: string, deps: PageDeps): Promise<'claimed' | 'done' | 'pending'> {
  for (let tries = 0; tries < ANSWER_WAIT_TRIES; tries++) {
    if (await deps.claimAnswer(key, deps.now())) return 'claimed';
    const state = await deps.answerState(key);
    if (state === 'done') return 'done';
    if (state === 'pending') await deps.sleep(ANSWER_WAIT_MS);
  }
  return 'pending';
}
