// Every invoke from the page passes here first. Before any handler runs it refuses channels not
// in the contract and senders that are not our window's top frame on our origin (VS Code's
// rule: a compromised or foreign frame gets nothing); then the payload is validated with the
// contract's schema, so handlers only ever see well-formed input. Pure: tests feed plain data.
import type * as v from 'valibot';
import { safeParse } from 'valibot';
import { problemsFromIssues, type SettingsProblem } from '../engine/settings-schema.js';
import { errorCode } from '../engine/errors.js';
import { INVOKE, type InvokeName, type IpcResult, type KeeperApi } from './contract.js';

/** The parts of Electron's IpcMainInvokeEvent the router reads (plain data in tests). */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export type InvokePayload<K extends InvokeName> = v.InferOutput<(typeof INVOKE)[K]['payload']>;
export type InvokeValue<K extends InvokeName> = Awaited<ReturnType<KeeperApi[K]>>;
export type IpcHandlers = { [K in InvokeName]: (payload: InvokePayload<K>) => Promise<InvokeValue<K>> | InvokeValue<K> };

export interface TrustedSender {
  /** our window's webContents id, or null while there is no window */
  webContentsId(): number | null;
  /** e.g. `app://session-keeper` */
  origin: string;
}

/** Why a sender is refused, or null when it is our window's top frame on our origin. */
export function senderProblem(event: IpcEventLike, trusted: TrustedSender): string | null {
  const id = trusted.webContentsId();
  if (id === null || event.sender.id !== id) return 'not our window';
  const frame = event.senderFrame;
  if (!frame) return 'the frame is gone';
  if (frame.parent !== null) return 'not the top frame';
  let origin: string;
  try {
    const u = new URL(frame.url);
    origin = `${u.protocol}//${u.host}`;
  } catch {
    return 'unparseable frame URL';
  }
  return origin === trusted.origin ? null : `foreign origin ${origin}`;
}

const BY_CHANNEL = new Map<string, InvokeName>(Object.entries(INVOKE).map(([name, d]) => [d.channel, name as InvokeName]));

/** Thrown by a handler whose input passed the contract but not a deeper check (e.g. settings). */
export class ProblemsError extends Error {
  constructor(readonly problems: SettingsProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'ProblemsError';
  }
}

export type IpcRouter = (channel: string, event: IpcEventLike, payload: unknown) => Promise<IpcResult<unknown>>;

export interface IpcRouterOptions {
  handlers: IpcHandlers;
  trusted: TrustedSender;
  /** every refused call and every unexpected failure, for the app log */
  onRejected?: (why: string, channel: string) => void;
}

export function createIpcRouter(opts: IpcRouterOptions): IpcRouter {
  const reject = (code: 'forbidden' | 'invalid-payload', message: string, channel: string): IpcResult<never> => {
    opts.onRejected?.(message, channel);
    return { ok: false, error: { code, message } };
  };
  return async (channel, event, payload) => {
    const name = BY_CHANNEL.get(channel);
    if (!name) return reject('forbidden', `Unknown channel ${JSON.stringify(channel)}`, channel);
    const problem = senderProblem(event, opts.trusted);
    if (problem) return reject('forbidden', `Refused ${channel}: ${problem}`, channel);
    const parsed = safeParse(INVOKE[name].payload as v.GenericSchema, payload);
    if (!parsed.success) {
      const problems = problemsFromIssues(parsed.issues);
      opts.onRejected?.('invalid payload', channel);
      return { ok: false, error: { code: 'invalid-payload', message: problems.map((p) => p.message).join('; '), problems } };
    }
    try {
      const handler = opts.handlers[name] as (p: unknown) => unknown;
      return { ok: true, value: await handler(parsed.output) };
    } catch (err) {
      // a store refusing settings says which fields, like a schema failure here would
      if (err instanceof ProblemsError) return { ok: false, error: { code: 'invalid-payload', message: err.message, problems: err.problems } };
      // A deliberate refusal keeps its code (the window shows its reason); anything else is
      // 'internal', and goes to the app log since the window will only say "something went wrong".
      const code = errorCode(err);
      const message = err instanceof Error ? err.message : String(err);
      if (code === 'internal') opts.onRejected?.(`${name} failed: ${message}`, channel);
      return { ok: false, error: { code, message } };
    }
  };
}
