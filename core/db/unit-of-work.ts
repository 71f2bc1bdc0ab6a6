import { AsyncLocalStorage } from "node:async_hooks";
import { currentRequestId, runWithRequestId } from "../request-context";
import type { PrismaClient } from "./generated/client";
import type { Db, Tx } from "./prisma";

/** Work for after the commit: a job or an event naming rows must not reach Redis before the rows are visible. */
export type AfterCommit = (work: () => Promise<unknown>) => Promise<void>;

/**
 * One transaction around work that reaches the database through many repositories (an inbound event's dialogue
 * step): inside `run`, every call made through `db` goes to that run's transaction, so the step's writes commit
 * together or not at all, and a step retried after a failure starts from the state before it. Outside `run`,
 * `db` is the client itself. Repositories keep taking a `Db` and need not know.
 */
export class UnitOfWork {
  private readonly current = new AsyncLocalStorage<{ tx: Tx; afterCommit: Array<() => Promise<unknown>> }>();
  readonly db: Db;

  constructor(
    private readonly client: PrismaClient,
    private readonly limits: { maxWaitMs: number; timeoutMs: number },
  ) {
    this.db = new Proxy(client, {
      get: (target, property) => {
        const tx = this.current.getStore()?.tx;
        if (tx && property === "$transaction") return nested(tx);
        const from: object = tx && property in tx ? tx : target;
        const value: unknown = Reflect.get(from, property);
        return typeof value === "function" ? value.bind(from) : value;
      },
    });
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const afterCommit: Array<() => Promise<unknown>> = [];
    const result = await this.client.$transaction((tx) => this.current.run({ tx, afterCommit }, work), {
      maxWait: this.limits.maxWaitMs,
      timeout: this.limits.timeoutMs,
    });
    // Started in order, run together: a step's many replies go to the queue in one batch (workers/outbox.worker.ts).
    await Promise.all(afterCommit.map((next) => next()));
    return result;
  }

  /** Inside `run`: kept until its transaction committed (dropped if it rolls back). Elsewhere: done now. */
  readonly afterCommit: AfterCommit = async (work) => {
    const unit = this.current.getStore();
    // Under the request id of the step that asked for it (several inbound steps share a transaction), outside the
    // transaction itself, which has ended.
    const requestId = currentRequestId();
    if (unit) unit.afterCommit.push(requestId ? () => runWithRequestId(requestId, work) : work);
    else await work();
  };
}

/**
 * `$transaction` called inside a unit of work becomes a savepoint (Postgres has no nested transactions): as on its
 * own, an error inside undoes only its writes and reaches the caller, who may go on (a refused merge, a slot taken).
 * An array of queries runs in order, a callback gets the same transaction.
 */
function nested(tx: Tx) {
  return async (work: unknown) => {
    const savepoint = `uow_${++savepoints}`;
    await tx.$executeRawUnsafe(`SAVEPOINT ${savepoint}`);
    try {
      const result = typeof work === "function" ? await (work as (tx: Tx) => Promise<unknown>)(tx) : await inOrder(work as Array<PromiseLike<unknown>>);
      await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw error;
    }
  };
}
let savepoints = 0;

async function inOrder(queries: Array<PromiseLike<unknown>>): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const query of queries) results.push(await query);
  return results;
}
