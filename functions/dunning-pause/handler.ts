import { z } from 'zod';
import { now } from '../adapters/clock';
import { recordEvent } from '../adapters/db/history';
import { getInvoice } from '../adapters/db/invoices';
import { storePauseToken } from '../adapters/db/pauses';
import { currentGeneration } from '../adapters/db/workflow-markers';
import { resumeDunning } from '../adapters/workflows';
import { DunningState } from '../core/dunning/state';
import { isOwed } from '../core/model';
import { lambda } from '../runtime';

const PauseEvent = z.object({ taskToken: z.string().min(1), state: DunningState });

/**
 * AwaitResume (WAIT_FOR_TASK_TOKEN): remembers the task token with the paused state, so the admin API or the daily
 * sweep can resume the workflow (resumeDunning). If the pause was lifted, or the invoice settled, before the token
 * was stored, it resumes at once instead of waiting for nobody.
 */
export const handler = lambda(
  {
    name: 'dunning-pause',
    settings: ['TABLE_NAME'],
    event: PauseEvent,
    correlationId: (e) => e.state.correlationId,
  },
  async ({ taskToken, state }, log) => {
    const at = now();
    // The pausing execution is the invoice's current generation (one runs at a time): the pause is tagged with it, so
    // a late stop of an older generation never deletes it.
    const generation = await currentGeneration(state.invoiceId);
    await storePauseToken(state.invoiceId, taskToken, state, at.toISOString(), generation);
    await recordEvent(state.invoiceId, at, 'dunning_suspended', {
      stepId: state.plan?.stepId,
      awaitingApproval: state.awaitingApprovalStepId,
    });
    const invoice = await getInvoice(state.invoiceId);
    if (!invoice?.pause || !isOwed(invoice)) {
      // Best effort: the daily sweep also resumes a stored pause whose invoice is no longer paused.
      try {
        // A machine approves nothing: a step that awaited an approval asks for it again.
        const res = await resumeDunning(state.invoiceId, {}, { approve: false });
        log.info('pause already over: resumed at once', { invoiceId: state.invoiceId, resumed: res.resumed });
      } catch (err) {
        log.warn('could not resume at once; the daily sweep will', { invoiceId: state.invoiceId, error: err });
      }
    }
    return { stored: true };
  },
);
