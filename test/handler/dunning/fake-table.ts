import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { itemWithinSize, transactionWithinSize } from '../support/aws-limits';

type Item = Record<string, any>;

/**
 * A small in-memory stand-in of the single table behind aws-sdk-client-mock, for handler tests: Get, Put and
 * TransactWrite (with attribute_not_exists and version conditions), Query on pk (+ begins_with sk), Delete, and the
 * UpdateCommands of the send-window batches (enlist, claim, mark sent, release) with their conditions, and the
 * dunning-level raise (alone or in a transaction).
 * Every call yields to the event loop first, so concurrent invocations really interleave.
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  /** Inject faults: return an error to throw for a command, or undefined. */
  fault: (name: string, input: any) => Error | undefined = () => undefined;
  /** Inject faults after the command took effect (a timeout after success): return the error the caller sees. */
  after: (name: string, input: any) => Error | undefined = () => undefined;

  put(item: Item) {
    this.items.set(`${item.pk}|${item.sk}`, structuredClone(item));
  }
  get(pk: string, sk: string): Item | undefined {
    return this.items.get(`${pk}|${sk}`);
  }

  install(ddb: AwsStub<any, any, any>) {
    const tick = () => new Promise((r) => setImmediate(r));
    const guard = (name: string, input: any) => {
      const e = this.fault(name, input);
      if (e) throw e;
    };
    /** Runs a command, then lets the `after` hook turn its success into an error (the write stays done). */
    const done = <T>(name: string, input: any, result: T): T => {
      const e = this.after(name, input);
      if (e) throw e;
      return result;
    };
    const conditionFailed = () =>
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    const checkPut = (input: any): boolean => {
      const existing = this.get(input.Item.pk, input.Item.sk);
      const cond: string | undefined = input.ConditionExpression;
      if (!cond) return true;
      if (cond.startsWith('attribute_not_exists')) return !existing;
      if (cond === '#v = :v') return existing?.version === input.ExpressionAttributeValues[':v'];
      return evaluate(cond, existing, input);
    };
    ddb.on(GetCommand).callsFake(async (input: any) => {
      await tick();
      guard('Get', input);
      const item = this.get(input.Key.pk, input.Key.sk);
      return done('Get', input, { Item: item ? structuredClone(item) : undefined });
    });
    ddb.on(PutCommand).callsFake(async (input: any) => {
      await tick();
      guard('Put', input);
      itemWithinSize(input.Item);
      if (!checkPut(input)) throw conditionFailed();
      this.put(input.Item);
      return done('Put', input, {});
    });
    ddb.on(DeleteCommand).callsFake(async (input: any) => {
      await tick();
      guard('Delete', input);
      if (
        input.ConditionExpression &&
        !evaluate(input.ConditionExpression, this.get(input.Key.pk, input.Key.sk), input)
      )
        throw conditionFailed();
      this.items.delete(`${input.Key.pk}|${input.Key.sk}`);
      return done('Delete', input, {});
    });
    ddb.on(TransactWriteCommand).callsFake(async (input: any) => {
      await tick();
      guard('TransactWrite', input);
      transactionWithinSize(input.TransactItems);
      // Puts (conditional on absence or version) and the policy 'demote latest' update (REMOVE gsi2pk, gsi2sk).
      const ok = (t: any): boolean => {
        if (t.Put) return checkPut(t.Put);
        if (t.Update?.UpdateExpression === 'REMOVE gsi2pk, gsi2sk')
          return this.get(t.Update.Key.pk, t.Update.Key.sk)?.gsi2pk === t.Update.ExpressionAttributeValues[':latest'];
        if (t.Update?.UpdateExpression === 'SET #l = :level ADD #v :one')
          return levelMayRise(t.Update, this.get(t.Update.Key.pk, t.Update.Key.sk));
        throw new Error('fake table: unsupported transaction item');
      };
      const reasons = input.TransactItems.map((t: any) => ({ Code: ok(t) ? 'None' : 'ConditionalCheckFailed' }));
      if (reasons.some((r: any) => r.Code !== 'None')) {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: reasons,
        });
      }
      for (const t of input.TransactItems) {
        if (t.Put) this.put(t.Put.Item);
        else if (t.Update.UpdateExpression.startsWith('SET #l')) {
          const cur = this.get(t.Update.Key.pk, t.Update.Key.sk)!;
          this.put({ ...cur, dunningLevel: t.Update.ExpressionAttributeValues[':level'], version: cur.version + 1 });
        } else {
          const { gsi2pk: _g, gsi2sk: _s, ...rest } = this.get(t.Update.Key.pk, t.Update.Key.sk)!;
          this.put(rest);
        }
      }
      return done('TransactWrite', input, {});
    });
    ddb.on(QueryCommand).callsFake(async (input: any) => {
      await tick();
      guard('Query', input);
      const v = input.ExpressionAttributeValues;
      let rows = [...this.items.values()];
      if (input.IndexName) rows = rows.filter((i) => i[`${input.IndexName}pk`] === v[':pk']);
      else rows = rows.filter((i) => i.pk === v[':pk']);
      const prefix = Object.entries(v).find(([k]) => k !== ':pk')?.[1] as string | undefined;
      if (!input.IndexName && prefix && input.KeyConditionExpression.includes('begins_with'))
        rows = rows.filter((i) => String(i.sk).startsWith(prefix));
      rows.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
      if (input.ScanIndexForward === false) rows.reverse();
      if (input.Limit) rows = rows.slice(0, input.Limit);
      return done('Query', input, { Items: rows.map((r) => structuredClone(r)) });
    });
    ddb.on(UpdateCommand).callsFake(async (input: any) => {
      await tick();
      guard('Update', input);
      const { pk, sk } = input.Key;
      const v = input.ExpressionAttributeValues;
      const cur = this.get(pk, sk);
      const expr: string = input.UpdateExpression;
      if (expr.startsWith('SET #status = if_not_exists')) {
        this.put({
          ...(cur ?? { pk, sk }),
          status: cur?.status ?? v[':pending'],
          customerId: v[':c'],
          windowAt: v[':w'],
          kind: v[':k'],
          dispatchKey: v[':dk'],
          type: 'dispatch',
          ...(v[':solo'] ? { soloInvoiceId: v[':solo'] } : {}),
        });
        return done('Update', input, {});
      }
      if (expr.startsWith('SET #status = :sending')) {
        const ok =
          cur &&
          (cur.status === 'pending' ||
            (cur.status === 'sending' && (cur.leaseUntil < v[':now'] || cur.claimedBy === v[':me'])));
        if (!ok) throw conditionFailed();
        const next = { ...cur, status: 'sending', claimedBy: v[':me'], leaseUntil: v[':lease'] };
        this.put(next);
        return done('Update', input, { Attributes: structuredClone(next) });
      }
      if (expr.startsWith('SET #status = :sent')) {
        if (!(cur?.status === 'sending' && cur.claimedBy === v[':me'])) throw conditionFailed();
        const { leaseUntil: _l, ...rest } = cur;
        this.put({
          ...rest,
          status: 'sent',
          messageId: v[':m'],
          sentAt: v[':at'],
          includedInvoiceIds: v[':inc'],
          excludedInvoiceIds: v[':exc'],
        });
        return done('Update', input, {});
      }
      if (expr.startsWith('SET #status = :pending')) {
        if (!(cur?.status === 'sending' && cur.claimedBy === v[':me'])) throw conditionFailed();
        const { leaseUntil: _l, claimedBy: _c, ...rest } = cur;
        this.put({ ...rest, status: 'pending' });
        return done('Update', input, {});
      }
      if (expr === 'SET #l = :level ADD #v :one') {
        if (!levelMayRise(input, cur)) throw conditionFailed();
        this.put({ ...cur, dunningLevel: v[':level'], version: cur!.version + 1 });
        return done('Update', input, {});
      }
      if (expr.startsWith('REMOVE gsi2pk')) {
        if (cur) {
          const { gsi2pk: _g, gsi2sk: _s, ...rest } = cur;
          this.put(rest);
        }
        return done('Update', input, {});
      }
      throw new Error(`fake table: unsupported update ${expr}`);
    });
    return this;
  }
}

export { DynamoDBDocumentClient };

/** The dunning-level raise: `attribute_exists(pk) AND (attribute_not_exists(#l) OR #l IN (:below0, ...))`. */
function levelMayRise(update: any, existing: Item | undefined): boolean {
  const m = /^attribute_exists\(pk\) AND \(attribute_not_exists\(#l\)(?: OR #l IN \(([^)]*)\))?\)$/.exec(
    update.ConditionExpression,
  );
  if (!m) throw new Error(`fake table: unsupported condition ${update.ConditionExpression}`);
  if (!existing) return false;
  const below = (m[1] ? m[1].split(', ') : []).map((name) => update.ExpressionAttributeValues[name]);
  return existing.dunningLevel === undefined || below.includes(existing.dunningLevel);
}

/**
 * Conditions made of clauses joined by one kind of connective (all AND, or all OR): attribute_exists(x),
 * attribute_not_exists(x), and `a = :v` (a a name, a #placeholder or a plain attribute).
 */
function evaluate(cond: string, existing: Item | undefined, input: any): boolean {
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  const values: Record<string, unknown> = input.ExpressionAttributeValues ?? {};
  const attr = (x: string) => names[x.trim()] ?? x.trim();
  const clause = (c: string): boolean => {
    let m = /^attribute_exists\((.+)\)$/.exec(c.trim());
    if (m) return existing !== undefined && existing[attr(m[1])] !== undefined;
    m = /^attribute_not_exists\((.+)\)$/.exec(c.trim());
    if (m) return existing === undefined || existing[attr(m[1])] === undefined;
    m = /^(\S+)\s*=\s*(:\w+)$/.exec(c.trim());
    if (m) return existing !== undefined && existing[attr(m[1])] === values[m[2]];
    throw new Error(`fake table: unsupported condition ${c}`);
  };
  if (/ OR /.test(cond) && / AND /.test(cond)) throw new Error(`fake table: unsupported condition ${cond}`);
  return / OR /.test(cond) ? cond.split(' OR ').some(clause) : cond.split(' AND ').every(clause);
}
