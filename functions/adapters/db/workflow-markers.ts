import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { executionArnFor, invoiceExecutionName } from '../../core/dunning/executions';
import { dynamo } from '../aws-clients';
import { readEnv, settings } from '../config';
import { keys } from './keys';
import { isConditionFailure, queryAll, tableName } from './table';

/**
 * Who brought back an ended dunning as a new generation (finance through the API, or the sweep after a failure), kept
 * on the generation's claim: its history line (`dunning_restarted`) is written from it before the execution starts.
 */
export interface DunningRestart {
  by: 'finance' | 'sweep';
  /** The history line's actor ('user:<id>', 'system:dunning'). */
  actor: string;
  /** How the generation before ended (the sweep's restarts of a failed or timed-out run). */
  after?: string;
  note?: string;
}

/**
 * INVOICE#<id> / WORKFLOW: the invoice's current workflow generation and whether it runs. Written BEFORE the
 * execution starts (a conditional put "claims" the generation), so two concurrent starts never run two workflows.
 * `running` is a cache: true until stopDunning, or a later startDunning that asked Step Functions, saw the end.
 * A marker written before generations existed has neither `generation` nor `running`: generation 1, running.
 */
export interface DunningWorkflow {
  invoiceId: string;
  generation: number;
  executionName: string;
  executionArn: string;
  running: boolean;
  /** Business time of the start (the caller's clock). */
  startedAt: string;
  endedAt?: string;
  /** How the generation ended, when known: ABORTED (stopped), SUCCEEDED, FAILED, TIMED_OUT. */
  endStatus?: string;
  endReason?: string;
  /** Wall-clock time of the claim: a claim whose execution never appeared is retried after CLAIM_GRACE_MS. */
  claimedAt?: string;
  /** The generation before this one and how it ended. */
  previous?: { generation: number; executionArn: string; status?: string };
  /** Set when this generation is a restart: who asked for it (its history line is made from it). */
  restart?: DunningRestart;
  /** A marker of before generations (no `generation` attribute). */
  legacy: boolean;
}

/** The marker as stored (also read by the admin API from the invoice's partition). */
export function workflowFromItem(item: Record<string, unknown>): DunningWorkflow {
  const invoiceId = String(item.invoiceId ?? String(item.pk ?? '').replace(/^INVOICE#/, ''));
  const legacy = typeof item.generation !== 'number';
  const generation = generationOf(item);
  const opt = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const prev = item.previous as DunningWorkflow['previous'] | undefined;
  const restart = item.restart as DunningRestart | undefined;
  return {
    invoiceId,
    generation,
    executionName: opt('executionName') ?? invoiceExecutionName(invoiceId, generation),
    executionArn:
      opt('executionArn') ??
      executionArnFor(
        readEnv({ STATE_MACHINE_ARN: settings.STATE_MACHINE_ARN }).STATE_MACHINE_ARN,
        invoiceId,
        generation,
      ),
    running: typeof item.running === 'boolean' ? item.running : true,
    startedAt: opt('startedAt') ?? '',
    endedAt: opt('endedAt'),
    endStatus: opt('endStatus'),
    endReason: opt('endReason'),
    claimedAt: opt('claimedAt'),
    previous: prev && typeof prev === 'object' ? prev : undefined,
    restart: restart && typeof restart === 'object' ? restart : undefined,
    legacy,
  };
}

/** How a generation ended by itself (its status-change event): the console lists those still owed. */
const failedEnds = new Set(['FAILED', 'TIMED_OUT']);

function markerItem(w: Omit<DunningWorkflow, 'legacy'>): Record<string, unknown> {
  const failed = !w.running && w.endStatus && failedEnds.has(w.endStatus);
  const item: Record<string, unknown> = {
    ...keys.workflow(w.invoiceId),
    ...(failed ? keys.failedWorkflowList(w.endedAt ?? '', w.invoiceId) : {}),
    type: 'workflow',
    ...w,
  };
  for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k];
  return item;
}

/** The condition "the marker is still exactly what was read" (generation and running flag). */
function unchanged(w: DunningWorkflow): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (w.legacy) {
    return {
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#g)',
      ExpressionAttributeNames: { '#g': 'generation' },
    };
  }
  return {
    ConditionExpression: '#g = :g AND #r = :r',
    ExpressionAttributeNames: { '#g': 'generation', '#r': 'running' },
    ExpressionAttributeValues: { ':g': w.generation, ':r': w.running },
  };
}

/** Writes the marker if it is still `expected` (undefined: if there is none); false when someone else changed it. */
export async function writeMarker(
  next: Omit<DunningWorkflow, 'legacy'>,
  expected: DunningWorkflow | undefined,
): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: markerItem(next),
        ...(expected ? unchanged(expected) : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * The markers of the generations that failed or timed out and were not followed by another (the sparse
 * DUNNING#FAILED index, oldest end first): a bounded read, whatever the number of invoices. The sweep starts the next
 * generation, whose marker leaves the index.
 */
export async function listFailedWorkflows(): Promise<DunningWorkflow[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': 'DUNNING#FAILED' },
  });
  return items.map(workflowFromItem);
}

/** The invoice's current workflow generation, or undefined when dunning never started. */
export async function currentDunning(invoiceId: string): Promise<DunningWorkflow | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.workflow(invoiceId), ConsistentRead: true }),
  );
  return res?.Item ? workflowFromItem(res.Item) : undefined;
}

/**
 * Only the generation of the invoice's current workflow (undefined when dunning never started): what a pause is tagged
 * with and compared to. Read without the rest of the marker, whose fallback execution ARN needs the machine's ARN,
 * which dunning-pause is not given (the machine invokes it: a circular reference).
 */
export async function currentGeneration(invoiceId: string): Promise<number | undefined> {
  const res = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.workflow(invoiceId), ConsistentRead: true }),
  );
  return res?.Item ? generationOf(res.Item) : undefined;
}

/** A marker of before generations (no `generation` attribute) is generation 1. */
function generationOf(item: Record<string, unknown>): number {
  return typeof item.generation === 'number' ? item.generation : 1;
}

/** Whether the invoice's workflow was ever started (the marker startDunning leaves), with its current generation. */
export const dunningStarted = currentDunning;
