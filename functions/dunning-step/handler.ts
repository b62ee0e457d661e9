import { now } from '../adapters/clock';
import { creditor } from '../adapters/config';
import { type DispatchKind, enlist } from '../adapters/db/dispatch';
import { recordEvent } from '../adapters/db/history';
import { saveInvoice } from '../adapters/db/invoices';
import { getSend, type SendRecord } from '../adapters/db/sends';
import { financeAlertEmail } from '../adapters/finance-alerts';
import { count } from '../adapters/metrics';
import { localDate } from '../core/calendar/time-zone';
import { toIsoDate } from '../core/dates';
import { effectiveSendWindow, recheckBeforeAction, stepConditionsHold } from '../core/dunning/schedule';
import { approvalNote, approvalStepOf, DunningState, withDone } from '../core/dunning/state';
import { approvalNeededAlert } from '../core/messages/tasks';
import type { Invoice } from '../core/model';
import { lambda } from '../runtime';
import { tellNoticeClaimsUnpaid } from '../use-cases/dunning/notice-claims';
import { alertFinanceOnce, intentIdOf } from '../use-cases/dunning/send-once';
import { loadStepContext, recipientsOf } from '../use-cases/dunning/step-context';
import { finishHandoff, handOffToAgency } from './handoff';

// The creditor and its legal identity (printed on every message): every bad setting named at cold start.
creditor();

/**
 * RunStep: the invoice is re-checked right before acting (nothing goes out for an invoice paid during the wait), then
 * the step either joins the customer's send-window batch (reminders, formal notices, call tasks: outcome 'enlisted')
 * or acts at once (agency handoff: outcome 'acted'). Suspended invoices pause the workflow; closed ones stop it.
 */
export const handler = lambda(
  {
    name: 'dunning-step',
    settings: ['TABLE_NAME', 'DOCUMENTS_BUCKET', 'SENDER_EMAIL', 'FINANCE_EMAILS', 'AGENCY_EMAIL'],
    event: DunningState,
    correlationId: (s) => s.correlationId,
  },
  async (state, log): Promise<DunningState> => {
    const at = now();
    const ctx = await loadStepContext(state);
    if (!ctx) return { ...state, outcome: 'stopped' };
    const { invoice, customer, policy, step } = ctx;
    if (!step) {
      log.warn('planned step not in policy', { invoiceId: invoice.invoiceId, stepId: state.plan?.stepId });
      return { ...state, outcome: 'skipped' };
    }
    const window = effectiveSendWindow(policy, customer);
    // The step's send record, read once: a retry of a step that already acted finds it.
    let record: Promise<SendRecord | undefined> | undefined;
    const sendRecord = () => (record ??= getSend(invoice.invoiceId, step.stepId));
    /** Finance is asked to approve the step: once per request (`since`, when the pause was set), through an intent. */
    const askApproval = async (owed: Invoice, since: string) => {
      const alert = financeAlertEmail(
        approvalNeededAlert({
          customer,
          invoiceId: owed.invoiceId,
          level: step.level,
          openCents: owed.openCents,
          currency: owed.currency,
          at: since,
        }),
      );
      await alertFinanceOnce(intentIdOf('approval', owed.invoiceId, step.stepId, since), alert, log);
    };

    // 0. A handoff already told the agency (a retry): complete it whatever the invoice became since (collection, or a
    // payment that landed meanwhile: the case is withdrawn).
    if (step.channel === 'agency_handoff') {
      const handed = await sendRecord();
      if (handed) {
        await finishHandoff(invoice.invoiceId, step, handed.messageId, at, log);
        return { ...state, doneStepIds: withDone(state, step.stepId), outcome: 'acted', lastActionAt: handed.at };
      }
    }

    // 1. Re-check: still owed? suspended?
    const check = recheckBeforeAction({
      invoice,
      now: at,
      promiseGraceDays: policy.promiseGraceDays,
      timeZone: window.timeZone,
    });
    if (!check.proceed) {
      // Paid while the workflow waited (a payment whose run could not stop it): finance hears of what its formal notice
      // also claimed, as when the payment stops it.
      if (check.outcome === 'stopped' && check.reason === 'paid') await tellNoticeClaimsUnpaid(invoice, log);
      await recordEvent(invoice.invoiceId, at, check.outcome === 'stopped' ? 'dunning_stopped' : 'dunning_paused', {
        reason: check.reason,
        stepId: step.stepId,
      });
      const awaiting = approvalStepOf(invoice.pause) === step.stepId ? { awaitingApprovalStepId: step.stepId } : {};
      // A retry after the approval was asked: finance is told (once) even if the first try's alert failed.
      if (invoice.pause && awaiting.awaitingApprovalStepId) await askApproval(invoice, invoice.pause.since);
      return { ...state, ...awaiting, outcome: check.outcome };
    }
    let current = invoice;
    if (check.promiseBroken) {
      current = await saveInvoice(
        invoice,
        { ...invoice, pause: undefined },
        {
          at: at.toISOString(),
          kind: 'promise_broken',
          actor: 'system:dunning',
          detail: { promisedFor: invoice.pause?.until, openCents: invoice.openCents },
        },
      );
    }

    // 2. Already done (a retry after the step succeeded)?
    const sent = await sendRecord();
    if (sent) return { ...state, doneStepIds: withDone(state, step.stepId), outcome: 'sent', lastActionAt: sent.at };

    // 3. Conditions on the current amount (a partial payment may bring it under the step's minimum).
    if (!stepConditionsHold(step, current, customer)) {
      await recordEvent(current.invoiceId, at, 'dunning_step_skipped', {
        stepId: step.stepId,
        reason: 'condition',
        openCents: current.openCents,
      });
      return { ...state, doneStepIds: withDone(state, step.stepId), outcome: 'skipped' };
    }

    // 4. A step that needs a person's approval parks the workflow; resuming it approves the step.
    if (step.requiresApproval && !state.approvedStepIds?.includes(step.stepId)) {
      await saveInvoice(
        current,
        { ...current, pause: { reason: 'manual', since: at.toISOString(), note: approvalNote(step.stepId) } },
        {
          at: at.toISOString(),
          kind: 'dunning_approval_requested',
          actor: 'system:dunning',
          detail: { stepId: step.stepId, channel: step.channel },
        },
      );
      await askApproval(current, at.toISOString());
      return { ...state, awaitingApprovalStepId: step.stepId, outcome: 'paused' };
    }

    // 5. Agency handoff acts now.
    if (step.channel === 'agency_handoff') {
      const handed = await handOffToAgency({
        invoice: current,
        customer,
        policy,
        step,
        at,
        log,
        plannedAt: state.plan?.at,
      });
      if (handed === 'not_owed') {
        await recordEvent(current.invoiceId, at, 'dunning_stopped', {
          reason: 'paid during the handoff, before the agency was told',
          stepId: step.stepId,
        });
        return { ...state, outcome: 'stopped' };
      }
      count('AgencyHandoffs');
      return { ...state, doneStepIds: withDone(state, step.stepId), outcome: 'acted', lastActionAt: at.toISOString() };
    }

    // 6. Everything else joins the customer's send-window batch.
    let kind: DispatchKind =
      step.channel === 'formal_notice' ? 'formal_notice' : step.channel === 'call_task' ? 'call' : 'reminder';
    if (kind === 'reminder' && (await recipientsOf(customer)).length === 0) {
      kind = 'call';
      await recordEvent(current.invoiceId, at, 'dunning_switched_to_person', {
        stepId: step.stepId,
        reason: customer.contacts.length
          ? 'every e-mail contact bounced (hard bounce) or complained'
          : 'no e-mail contact',
      });
    }
    const windowAt = state.plan?.at ?? at.toISOString();
    const solo = customer.reminderGrouping === 'per_invoice' && kind !== 'call' ? current.invoiceId : undefined;
    const dispatchKey = await enlist({
      customerId: customer.customerId,
      windowAt,
      kind,
      soloInvoiceId: solo,
      member: {
        invoiceId: current.invoiceId,
        stepId: step.stepId,
        level: kind === 'call' ? 'call' : step.level,
        channel: step.channel,
        enlistedAt: at.toISOString(),
      },
    });
    log.info('enlisted', {
      invoiceId: current.invoiceId,
      stepId: step.stepId,
      dispatchKey,
      day: localDate(at, window.timeZone) ?? toIsoDate(at),
    });
    return { ...state, outcome: 'enlisted', dispatchKey, gatherSeconds: policy.gatherSeconds };
  },
);
