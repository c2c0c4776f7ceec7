// The client side of the node protocol: turns a reply, an error or a timeout into the op's
// completion with DESIGN.md §3's rules. Definite errors fail; anything else is info, except
// for read-only ops, which cannot have taken effect and so fail.
import { UsageError } from './errors.ts';
import { isLocalNode } from './providers/local/index.ts';
import { AbortError, ClientConnection } from './providers/local/services.ts';
import { isDefinite } from './op-errors.ts';
import type { MessageBody } from './providers/local/router.ts';
import type { Client, Completion, NodeHandle, Op, TestInfo } from './types.ts';

export interface ProtocolMapping<O extends Op> {
  /** The request body for an op. */
  request(op: O): MessageBody;
  /** The completed op's value from an ok reply. */
  value(op: O, reply: MessageBody): unknown;
  /** Ops that cannot change state (a timed-out read certainly did nothing). */
  readOnly(op: O): boolean;
  /** An error reply that is really a result (a read of a missing key is a read of nil). */
  errorAsOk?(op: O, code: number | null): unknown | undefined;
  /** Why an ok reply is malformed for this op (the workload's schema: Maelstrom's "Malformed RPC
   *  response", which fails the run), or undefined. */
  malformed?(op: O, reply: MessageBody): string | undefined;
}

export function completionFromError<O extends Op>(op: O, readOnly: boolean, code: number | null, text: string, node: string): Completion<O> {
  const definite = code !== null && isDefinite(code);
  const type = definite || readOnly ? 'fail' : 'info';
  return { ...op, type, node, error: code === null ? { text } : { code, text } } as Completion<O>;
}

export class ProtocolClient<O extends Op = Op> implements Client<O> {
  private conn: ClientConnection | null = null;
  constructor(private readonly mapping: ProtocolMapping<O>) {}

  async open(_test: TestInfo, node: NodeHandle): Promise<Client<O>> {
    if (!isLocalNode(node)) throw new UsageError('Node-protocol clients run only on the local provider.');
    const c = new ProtocolClient(this.mapping);
    c.conn = node.connect();
    return c;
  }

  async invoke(_test: TestInfo, op: O, signal: AbortSignal): Promise<Completion<O>> {
    const conn = this.conn!;
    const readOnly = this.mapping.readOnly(op);
    let reply: MessageBody;
    try {
      const check = this.mapping.malformed;
      reply = await conn.rpc(this.mapping.request(op), signal, check && ((r) => check(op, r)));
    } catch (e) {
      const text = e instanceof AbortError ? 'timed out' : e instanceof Error ? e.message : String(e);
      return completionFromError(op, readOnly, null, text, conn.node);
    }
    if (reply.type === 'error') {
      const code = typeof reply.code === 'number' ? reply.code : null;
      const asOk = this.mapping.errorAsOk?.(op, code);
      if (asOk !== undefined) return { ...op, type: 'ok', node: conn.node, value: asOk } as Completion<O>;
      return completionFromError(op, readOnly, code, String(reply.text ?? 'error'), conn.node);
    }
    return { ...op, type: 'ok', node: conn.node, value: this.mapping.value(op, reply) } as Completion<O>;
  }

  async close(): Promise<void> {
    this.conn?.close();
    this.conn = null;
  }
}
