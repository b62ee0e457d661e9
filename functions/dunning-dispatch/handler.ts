import { requireSettings } from '../adapters/config';
import { Batch, BatchMember, claimBatch, getBatch, listMembers, markBatchSent, releaseBatch } from '../adapters/db/dispatch';
import { getCustomer } from '../adapters/db/customers';
import { getInvoice } from '../adapters/db/invoices';
import { getSend, recordMessage, recordSend } from '../adapters/db/sends';
import { sendEmail } from '../adapters/mailer';
import { DunningLevel } from '../core/dunning/policy';
import { groupForDispatch } from '../core/messages/reminder';
import { Invoice } from '../core/model';
import { recordEvent } from '../dunning-shared/history';
import { loadStepContext, withDone } from '../dunning-shared/load';
import { DispatchInProgressError, lambda, now } from '../dunning-shared/runtime';
import { DunningState } from '../dunning-shared/state';
import { composeBatchMessage } from './compose';

requireSettings(['TABLE_NAME', 'DOCUMENTS_BUCKET', 'SENDER_EMAIL', 'FINANCE_EMAILS']);

/**
 * Longer than the function's timeout (60 s): a live sender never outlives its claim, so a second claim is only ever
 * taken from a sender that crashed.
 */
export const LEASE_SECONDS = 300;

/**
 * Dispatch: exactly one message per customer per send window. Every enlisted invoice's workflow arrives here after
 * GatherWindow; the first to claim the batch (conditional write) re-reads every enlisted invoice, leaves out those
 * paid or paused meanwhile, sends ONE message and records its SES message id on the batch and on every included
 * invoice. The others find the batch being sent (DispatchInProgress: retried later) or sent (they settle: 'sent',
 * 'skipped' when left out, 'rescheduled' to the next window when they enlisted after it went).
 */
export const handler = lambda('dunning-dispatch', DunningState, async (state, log): Promise<DunningState> => {
  const stepId = state.plan?.stepId;
  if (!state.dispatchKey || !stepId) return { ...state, outcome: 'skipped' };
  const already = await getSend(state.invoiceId, stepId);
  if (already) return { ...state, doneStepIds: withDone(state, stepId), outcome: 'sent', lastActionAt: already.at, dispatchKey: undefined };

  const at = now();
  const batch = await getBatch(state.dispatchKey);
  if (!batch) return { ...state, outcome: 'rescheduled', dispatchKey: undefined };
  if (batch.status === 'sent') return settle(state, stepId, batch);

  const claim = await claimOrWait(state.dispatchKey, state.invoiceId);
  if (!claim.claimed) return settle(state, stepId, claim.batch);

  const members = await listMembers(state.dispatchKey);
  const current = await Promise.all(members.map(async (m) => ({ member: m, invoice: await getInvoice(m.invoiceId), sent: await getSend(m.invoiceId, m.stepId) })));
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
  const excludedIds = [...new Set([...group.excluded.map((e) => e.invoiceId), ...current.filter((c) => !c.invoice || c.sent).map((c) => c.member.invoiceId)])].filter(
    (id) => !group.include.some((i) => i.invoiceId === id),
  );

  if (group.include.length === 0) {
    await markBatchSent(state.dispatchKey, state.invoiceId, { messageId: '', sentAt: at.toISOString(), includedInvoiceIds: [], excludedInvoiceIds: excludedIds });
    return settle(state, stepId, { ...batch, status: 'sent', includedInvoiceIds: [], excludedInvoiceIds: excludedIds, messageId: '' });
  }

  const customer = await getCustomer(batch.customerId);
  const ctx = await loadStepContext(state);
  if (!customer || !ctx) throw new Error(`customer ${batch.customerId} or policy of ${state.invoiceId} not found`);
  const composed = await composeBatchMessage({ batch, customer, policy: ctx.policy, items: group.include, at });

  let messageId: string;
  try {
    messageId = (await sendEmail(composed.email)).messageId;
  } catch (err) {
    await releaseBatch(state.dispatchKey, state.invoiceId);
    throw err;
  }
  // Record the message on every included invoice BEFORE marking the batch sent: a sender that crashes after SES
  // accepted the message leaves send records behind, and whoever re-claims the batch then finds nothing left to send.
  const sentAt = at.toISOString();
  const included = group.include.map((i) => i.invoiceId);
  await recordMessage({ messageId, kind: batch.kind, customerId: batch.customerId, invoiceIds: included, level: group.level, to: composed.email.to, sentAt, dispatchKey: state.dispatchKey });
  for (const item of group.include) {
    await recordSend(
      { invoiceId: item.invoiceId, stepId: item.member.stepId, messageId, kind: batch.kind, at: sentAt, dispatchKey: state.dispatchKey },
      { at: sentAt, kind: composed.eventKind, actor: 'system:dunning', detail: { messageId, stepId: item.member.stepId, level: item.level, channel: item.member.channel, dispatchKey: state.dispatchKey, invoicesInMessage: included.length, to: composed.email.to, ...(composed.documents[item.invoiceId] ?? {}) } },
    );
  }
  const kept = await markBatchSent(state.dispatchKey, state.invoiceId, { messageId, sentAt, includedInvoiceIds: included, excludedInvoiceIds: excludedIds });
  if (!kept) log.error('claim lost after sending: the lease expired while sending', { dispatchKey: state.dispatchKey, messageId });
  await composed.afterSend?.(messageId).catch((err: unknown) => log.error('after-send step failed (the customer message went out)', { error: err }));
  log.info('batch sent', { dispatchKey: state.dispatchKey, messageId, included: included.length, excluded: excludedIds.length });
  return settle(state, stepId, { ...batch, status: 'sent', messageId, sentAt, includedInvoiceIds: included, excludedInvoiceIds: excludedIds });
});

/** How long a loser polls a batch being sent before handing the wait to the state machine's retry (real time). */
export const POLL = { attempts: 10, intervalMs: 300 };

/**
 * Claims the batch, or waits a little for the winner to finish (most sends take well under a second), which spares a
 * state-machine retry. Still being sent after that: DispatchInProgress (retried with backoff by the state machine).
 */
async function claimOrWait(dispatchKey: string, claimer: string): Promise<{ claimed: true } | { claimed: false; batch: Batch }> {
  for (let attempt = 0; ; attempt++) {
    const claim = await claimBatch(dispatchKey, claimer, LEASE_SECONDS);
    if (claim.claimed) return { claimed: true };
    if (claim.batch?.status === 'sent') return { claimed: false, batch: claim.batch };
    if (attempt >= POLL.attempts) throw new DispatchInProgressError(dispatchKey);
    await new Promise((resolve) => setTimeout(resolve, POLL.intervalMs));
  }
}

/** This invoice's outcome once its batch went out. */
async function settle(state: DunningState, stepId: string, batch: Batch): Promise<DunningState> {
  const next = { ...state, dispatchKey: undefined };
  const mine = await getSend(state.invoiceId, stepId);
  if (mine) return { ...next, doneStepIds: withDone(state, stepId), outcome: 'sent', lastActionAt: mine.at };
  if (batch.includedInvoiceIds?.includes(state.invoiceId)) {
    // The sender records every included invoice; a crashed sender may not have reached this one.
    await recordSend(
      { invoiceId: state.invoiceId, stepId, messageId: batch.messageId ?? '', kind: batch.kind, at: batch.sentAt ?? now().toISOString(), dispatchKey: state.dispatchKey },
      { at: batch.sentAt ?? now().toISOString(), kind: 'dunning_message_sent', actor: 'system:dunning', detail: { messageId: batch.messageId, stepId, dispatchKey: state.dispatchKey, recordedBy: 'member' } },
    );
    return { ...next, doneStepIds: withDone(state, stepId), outcome: 'sent', lastActionAt: batch.sentAt };
  }
  if (batch.excludedInvoiceIds?.includes(state.invoiceId)) {
    await recordEvent(state.invoiceId, now(), 'dunning_send_skipped', { stepId, dispatchKey: state.dispatchKey, reason: 'paid, paused or no longer owed when the batch went out' });
    return { ...next, outcome: 'skipped' };
  }
  await recordEvent(state.invoiceId, now(), 'dunning_rescheduled', { stepId, dispatchKey: state.dispatchKey, reason: 'the window’s message had already gone out' });
  return { ...next, outcome: 'rescheduled' };
}
