import { now } from '../adapters/clock';
import { creditor } from '../adapters/config';
import { getCustomer } from '../adapters/db/customers';
import {
  type Batch,
  type BatchMember,
  claimBatch,
  getBatch,
  LEASE_SECONDS,
  listMembers,
  markBatchSent,
  releaseBatch,
} from '../adapters/db/dispatch';
import { recordEvent } from '../adapters/db/history';
import { getInvoice } from '../adapters/db/invoices';
import { getSend, recordMessage, recordSend } from '../adapters/db/sends';
import type { Logger } from '../adapters/logger';
import { count } from '../adapters/metrics';
import { NoticeClaims } from '../core/dunning/notice-claims';
import { DunningLevel, type Policy } from '../core/dunning/policy';
import { DunningState, withDone } from '../core/dunning/state';
import { type SendTiming, sendTiming } from '../core/dunning/timing';
import { groupForDispatch } from '../core/messages/reminder';
import type { Customer, Invoice } from '../core/model';
import { DispatchInProgressError, lambda } from '../runtime';
import { intentIdOf, type SendOnceResult, sendOnce, sentMessage, settleExisting } from '../use-cases/dunning/send-once';
import { policyOf } from '../use-cases/dunning/step-context';
import { type BatchItem, type ComposedMessage, composeBatchMessage, settleAfterSend } from './compose';
import { tellCrossedPayments } from './crossed';

// The creditor and its legal identity (printed on every message): every bad setting named at cold start.
creditor();

/**
 * Dispatch: exactly one message per customer per send window. Every enlisted invoice's workflow arrives here after
 * GatherWindow; the first to claim the batch (conditional write) re-reads every enlisted invoice, leaves out those
 * paid or paused meanwhile, and sends ONE message through a send intent (at most once, even across crashes: see
 * use-cases/dunning/send-once.ts), then records its SES message id on the batch and on every included invoice. Any
 * error gives the claim back at once, so the other members never wait for a lease. The others find the batch being
 * sent (DispatchInProgress: retried later) or sent (they settle: 'sent', 'skipped' when left out, 'rescheduled' to
 * the next window when they enlisted after it went).
 */
export const handler = lambda(
  {
    name: 'dunning-dispatch',
    settings: ['TABLE_NAME', 'DOCUMENTS_BUCKET', 'SENDER_EMAIL', 'FINANCE_EMAILS'],
    event: DunningState,
    correlationId: (s) => s.correlationId,
  },
  async (state, log): Promise<DunningState> => {
    const stepId = state.plan?.stepId;
    const dispatchKey = state.dispatchKey;
    if (!dispatchKey || !stepId) return { ...state, outcome: 'skipped' };
    const already = await getSend(state.invoiceId, stepId);
    // A retry after the message went out: a finance alert left in doubt is settled (confirmed, or a "maybe sent" task).
    if (already) await settleAfterSend(already, log);
    if (already)
      return {
        ...state,
        doneStepIds: withDone(state, stepId),
        outcome: 'sent',
        lastActionAt: already.at,
        dispatchKey: undefined,
      };

    const batch = await getBatch(dispatchKey);
    if (!batch) return { ...state, outcome: 'rescheduled', dispatchKey: undefined };
    if (batch.status === 'sent') return settle(state, stepId, batch, log);

    const claim = await claimOrWait(dispatchKey, state.invoiceId);
    if (!claim.claimed) return settle(state, stepId, claim.batch, log);
    try {
      return settle(state, stepId, await sendBatch(state, batch, log), log);
    } catch (err) {
      // Whatever failed, before or after SES: the claim goes back at once (the intent keeps the send at most once).
      await releaseBatch(dispatchKey, state.invoiceId).catch((e: unknown) =>
        log.warn('could not release the batch claim', { dispatchKey, error: e }),
      );
      throw err;
    }
  },
);

/**
 * The claimer's work: send the batch's one message (or settle an earlier attempt's), record it, mark the batch sent.
 */
async function sendBatch(state: DunningState, batch: Batch, log: Logger): Promise<Batch> {
  const dispatchKey = batch.dispatchKey;
  const intentId = intentIdOf('batch', dispatchKey);
  const members = await listMembers(dispatchKey);
  let result = await settleExisting(intentId, log);
  let composed: ComposedMessage | undefined;
  let context: BatchContext | undefined;
  let deferred: string[] = [];
  if (!result) {
    const { items, deferred: later } = await owedItems(members);
    deferred = later;
    if (items.length > 0) {
      context = await batchContext(state, batch);
      composed = await composeBatchMessage({ ...context, items, at: now() });
    }
    const recheck = composed
      ? (await owedItems(members.filter((m) => items.some((i) => i.invoiceId === m.invoiceId)))).items
      : [];
    // Re-checked right before the send: a payment recorded while the message was composed takes its invoice out.
    if (context && composed && recheck.length < items.length)
      composed = recheck.length ? await composeBatchMessage({ ...context, items: recheck, at: now() }) : undefined;
    if (!composed) {
      const excluded = members.map((m) => m.invoiceId).filter((id) => !deferred.includes(id));
      await markBatchSent(dispatchKey, state.invoiceId, {
        messageId: '',
        sentAt: now().toISOString(),
        includedInvoiceIds: [],
        excludedInvoiceIds: excluded,
      });
      return { ...batch, status: 'sent', messageId: '', includedInvoiceIds: [], excludedInvoiceIds: excluded };
    }
    const included = composed.items;
    result = await sendOnce(
      {
        intentId,
        kind: batch.kind,
        customerId: batch.customerId,
        invoiceIds: included.map((i) => i.invoiceId),
        stepIds: Object.fromEntries(included.map((i) => [i.invoiceId, i.member.stepId])),
        details: Object.fromEntries(
          included.map((i) => [
            i.invoiceId,
            {
              level: i.level,
              channel: i.member.channel,
              ...(composed!.documents[i.invoiceId] ?? {}),
              ...(composed!.claims?.[i.invoiceId] ? { claims: composed!.claims[i.invoiceId] } : {}),
            },
          ]),
        ),
        eventKind: composed.eventKind,
        level: composed.level,
        to: composed.email.to,
        dispatchKey,
      },
      composed.email,
      log,
    );
  }
  // Before the records: a retry after a fault finds the batch unrecorded and tells the crossing again (at most once).
  if (result.outcome === 'sent') await tellCrossedPayments(result.intent, context?.customer, log);
  if (result.outcome === 'sent' && composed)
    countSent(
      batch.kind,
      composed.items.map((i) => i.level),
    );
  const sent = await recordBatch(result, batch, members, deferred, state.invoiceId, log);
  if (result.outcome === 'sent') {
    // A failure is retried by the state machine: the retry settles the alert's send intent (never sends it twice).
    await composed?.afterSend?.(result.intent.messageId, log);
  }
  return sent;
}

/** Business metrics of a message this invocation sent: one per invoice it lists, reminders by level. */
function countSent(kind: Batch['kind'], levels: DunningLevel[]): void {
  for (const level of levels) {
    if (kind === 'reminder') count('RemindersSent', 1, { level });
    else if (kind === 'formal_notice') count('FormalNoticesSent');
  }
}

/**
 * The members whose invoice is still owed, unpaused and not yet sent (consistent reads), at most
 * MAX_INVOICES_PER_MESSAGE (the oldest due); `deferred`: those left for the next window.
 */
async function owedItems(members: BatchMember[]): Promise<{ items: BatchItem[]; deferred: string[] }> {
  const current = await Promise.all(
    members.map(async (m) => ({
      member: m,
      invoice: await getInvoice(m.invoiceId),
      sent: await getSend(m.invoiceId, m.stepId),
    })),
  );
  const candidates = current
    .filter((c): c is { member: BatchMember; invoice: Invoice; sent: undefined } => Boolean(c.invoice) && !c.sent)
    .map((c) => ({
      invoiceId: c.invoice.invoiceId,
      level: c.member.level as DunningLevel,
      openCents: c.invoice.openCents,
      dueDate: c.invoice.dueDate,
      status: c.invoice.status,
      paused: Boolean(c.invoice.pause),
      invoice: c.invoice,
      member: c.member,
    }));
  const group = groupForDispatch(candidates);
  return { items: group.include, deferred: group.deferred.map((d) => d.invoiceId) };
}

type BatchContext = { batch: Batch; customer: Customer; policy: Policy };

/** The batch's customer and the policy its message follows: read once per batch. */
async function batchContext(state: DunningState, batch: Batch): Promise<BatchContext> {
  const customer = await getCustomer(batch.customerId);
  if (!customer) throw new Error(`customer ${batch.customerId} of batch ${batch.dispatchKey} not found`);
  return { batch, customer, policy: await policyOf(state, customer) };
}

/**
 * Records the outcome: the message index, then the batch marked sent with what the message really listed (the
 * intent's invoices), then a send record on every one of them. Marked first, so a fault after it leaves a batch every
 * member settles by itself (settle records its own send). A "maybe sent" outcome closes the step too (nothing is sent
 * again; finance has the task).
 */
async function recordBatch(
  result: SendOnceResult,
  batch: Batch,
  members: BatchMember[],
  deferred: string[],
  claimer: string,
  log: Logger,
): Promise<Batch> {
  const { intent } = result;
  const { sent, messageId, at: sentAt } = sentMessage(result);
  const included = intent.invoiceIds;
  if (sent) {
    await recordMessage({
      messageId,
      kind: batch.kind,
      customerId: batch.customerId,
      invoiceIds: included,
      level: intent.level,
      to: intent.to,
      sentAt,
      dispatchKey: batch.dispatchKey,
    });
  }
  // Left out: neither in the message nor deferred to the next window (a full message moves the rest there).
  const excluded = members.map((m) => m.invoiceId).filter((id) => !included.includes(id) && !deferred.includes(id));
  const kept = await markBatchSent(batch.dispatchKey, claimer, {
    messageId,
    sentAt,
    includedInvoiceIds: included,
    excludedInvoiceIds: excluded,
  });
  if (!kept)
    log.warn('claim lost after sending: the batch was recorded by another member', {
      dispatchKey: batch.dispatchKey,
      messageId,
    });
  for (const invoiceId of included)
    await recordIncluded(
      invoiceId,
      intent.stepIds[invoiceId],
      result,
      batch.dispatchKey,
      timingOf(
        batch,
        members.find((m) => m.invoiceId === invoiceId),
        result,
      ),
    );
  log.info('batch sent', {
    dispatchKey: batch.dispatchKey,
    messageId,
    outcome: result.outcome,
    included: included.length,
    excluded: excluded.length,
  });
  return { ...batch, status: 'sent', messageId, sentAt, includedInvoiceIds: included, excludedInvoiceIds: excluded };
}

/**
 * When the send went out against its planned window (the batch's window: the step's `plan.at`), with what delayed it
 * when it went out after the window: the step ran late (the member enlisted after it), or SES refused earlier attempts.
 */
function timingOf(batch: Batch, member: BatchMember | undefined, result: SendOnceResult): SendTiming | undefined {
  if (Number.isNaN(Date.parse(batch.windowAt))) return undefined;
  return sendTiming({
    plannedAt: batch.windowAt,
    sentAt: sentMessage(result).at,
    stepRanAt: member?.enlistedAt,
    attempts: result.intent.attempt,
  });
}

/**
 * The send record and history event of one invoice the message listed (written once: a retry writes nothing); when the
 * message went out, the invoice's dunning level rises to its level in the message. The event carries the planned
 * window's opening, and how late and why when the send went out after the window.
 */
async function recordIncluded(
  invoiceId: string,
  stepId: string,
  result: SendOnceResult,
  dispatchKey: string,
  timing: SendTiming | undefined,
): Promise<void> {
  const { intent } = result;
  const { sent, messageId, at } = sentMessage(result);
  const detail = {
    messageId,
    stepId,
    dispatchKey,
    invoicesInMessage: intent.invoiceIds.length,
    to: intent.to,
    intentId: intent.intentId,
    ...intent.details[invoiceId],
    ...timing,
  };
  // A formal notice's claims (interest, indemnity) are kept with its send record, read back when the principal is paid.
  const claims = NoticeClaims.optional().parse(intent.details[invoiceId]?.claims);
  await recordSend(
    {
      invoiceId,
      stepId,
      messageId,
      kind: intent.kind,
      at,
      dispatchKey,
      ...(sent ? {} : { maybeSent: true }),
      ...(claims ? { claims } : {}),
    },
    { at, kind: sent ? intent.eventKind : 'dunning_step_closed_in_doubt', actor: 'system:dunning', detail },
    sent ? DunningLevel.safeParse(intent.details[invoiceId]?.level).data : undefined,
  );
}

/** How long a loser polls a batch being sent before handing the wait to the state machine's retry (real time). */
export const POLL = { attempts: 10, intervalMs: 300 };

/**
 * Claims the batch, or waits a little for the winner to finish (most sends take well under a second), which spares a
 * state-machine retry. Still being sent after that: DispatchInProgress (retried with backoff by the state machine).
 */
async function claimOrWait(
  dispatchKey: string,
  claimer: string,
): Promise<{ claimed: true } | { claimed: false; batch: Batch }> {
  for (let attempt = 0; ; attempt++) {
    const claim = await claimBatch(dispatchKey, claimer, LEASE_SECONDS);
    if (claim.claimed) return { claimed: true };
    if (claim.batch?.status === 'sent') return { claimed: false, batch: claim.batch };
    if (attempt >= POLL.attempts) throw new DispatchInProgressError(dispatchKey);
    await new Promise((resolve) => setTimeout(resolve, POLL.intervalMs));
  }
}

/** This invoice's outcome once its batch went out. */
async function settle(state: DunningState, stepId: string, batch: Batch, log: Logger): Promise<DunningState> {
  const next = { ...state, dispatchKey: undefined };
  const mine = await getSend(state.invoiceId, stepId);
  if (mine) {
    await settleAfterSend(mine, log);
    return { ...next, doneStepIds: withDone(state, stepId), outcome: 'sent', lastActionAt: mine.at };
  }
  if (batch.includedInvoiceIds?.includes(state.invoiceId)) {
    // The sender records every included invoice; a sender that failed after marking the batch may not have reached this
    // one.
    const outcome = await settleExisting(intentIdOf('batch', batch.dispatchKey), log);
    const sentStep = outcome?.intent.stepIds[state.invoiceId];
    if (sentStep && sentStep !== stepId) {
      // The invoice was also enlisted at a higher step: the message carried that one; this step is superseded, not
      // sent.
      await recordEvent(state.invoiceId, now(), 'dunning_step_skipped', {
        stepId,
        reason: 'superseded',
        supersededBy: sentStep,
        dispatchKey: batch.dispatchKey,
      });
      return { ...next, doneStepIds: withDone(state, stepId), outcome: 'skipped' };
    }
    if (outcome) {
      const member = (await listMembers(batch.dispatchKey)).find((m) => m.invoiceId === state.invoiceId);
      await recordIncluded(state.invoiceId, stepId, outcome, batch.dispatchKey, timingOf(batch, member, outcome));
      const { messageId } = sentMessage(outcome);
      await settleAfterSend({ kind: batch.kind, messageId, dispatchKey: batch.dispatchKey }, log);
    } else {
      // A batch sent before send intents existed.
      const at = batch.sentAt ?? now().toISOString();
      await recordSend(
        {
          invoiceId: state.invoiceId,
          stepId,
          messageId: batch.messageId ?? '',
          kind: batch.kind,
          at,
          dispatchKey: batch.dispatchKey,
        },
        {
          at,
          kind: 'dunning_message_sent',
          actor: 'system:dunning',
          detail: { messageId: batch.messageId, stepId, dispatchKey: batch.dispatchKey, recordedBy: 'member' },
        },
      );
    }
    return { ...next, doneStepIds: withDone(state, stepId), outcome: 'sent', lastActionAt: batch.sentAt };
  }
  if (batch.excludedInvoiceIds?.includes(state.invoiceId)) {
    await recordEvent(state.invoiceId, now(), 'dunning_send_skipped', {
      stepId,
      dispatchKey: state.dispatchKey,
      reason: 'paid, paused or no longer owed when the batch went out',
    });
    return { ...next, outcome: 'skipped' };
  }
  await recordEvent(state.invoiceId, now(), 'dunning_rescheduled', {
    stepId,
    dispatchKey: state.dispatchKey,
    reason: 'the window’s message had already gone out, or listed the most invoices a message lists',
  });
  return { ...next, outcome: 'rescheduled' };
}
