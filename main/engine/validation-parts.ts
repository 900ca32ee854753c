// Valibot building blocks for the settings and IPC schemas. The app validated with zod before
// (3 MiB of heap and ~60 ms of import: issue 14); these parts keep the sentences and the paths a
// person already saw: a missing field is checked as "nothing" by its own schema, an object-level
// rule runs once every field has the right type (even if one is out of range), and zod's
// default wording stays where a field has no sentence of its own.
import * as v from 'valibot';

/** A value's type as zod named it in its messages ("received string", "received array"). */
function typeName(x: unknown): string {
  if (typeof x === 'number') return Number.isFinite(x) ? 'number' : String(x);
  if (typeof x !== 'object') return typeof x;
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  const proto = Object.getPrototypeOf(x) as unknown;
  const ctor = (x as { constructor?: { name?: string } }).constructor;
  return proto !== Object.prototype && ctor?.name ? ctor.name : 'object';
}

/** "Invalid input: expected number, received string": the sentence for a field without its own. */
export const wrongType =
  (expected: string) =>
  (iss: v.BaseIssue<unknown>): string =>
    `Invalid input: expected ${expected}, received ${typeName(iss.input)}`;

const quoted = (values: readonly unknown[], separator: string) => values.map((x) => (typeof x === 'string' ? `"${x}"` : String(x))).join(separator);

/** One of a fixed set of strings; without a sentence of its own it lists them. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T, message?: string | ((iss: v.BaseIssue<unknown>) => string)) {
  return v.picklist(options, message ?? `Invalid option: expected one of ${quoted(options, '|')}`);
}

/** A finite number (zod refused Infinity too); failing here skips the field's other checks. */
export const finiteNumber = (message: string | ((iss: v.BaseIssue<unknown>) => string) = wrongType('number')) =>
  v.custom<number>((x) => typeof x === 'number' && Number.isFinite(x), message);

/**
 * A whole number in [min, max], as zod's int(): a fraction is reported alone and counts as the
 * wrong type (object rules wait), beyond ±2^53 is said before the bounds, and each bound has its
 * sentence (zod's own wording when none is given).
 */
export function wholeNumber(min: number, max: number, messages: { min?: (n: number) => string; max?: (n: number) => string } = {}) {
  return v.pipe(
    finiteNumber(),
    v.custom<number>((n) => Number.isInteger(n), 'Invalid input: expected int, received number'),
    v.check((n) => n <= Number.MAX_SAFE_INTEGER, `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`),
    v.check((n) => n >= -Number.MAX_SAFE_INTEGER, `Too small: expected int to be >=${-Number.MAX_SAFE_INTEGER}`),
    v.check((n) => n >= min, (iss) => messages.min?.(iss.input as number) ?? `Too small: expected number to be >=${min}`),
    v.check((n) => n <= max, (iss) => messages.max?.(iss.input as number) ?? `Too big: expected number to be <=${max}`),
  );
}

/** Text of at most `max` characters, in zod's words unless given. */
export function text(opts: { type?: string; min?: number; max?: number; maxMessage?: string } = {}) {
  const actions: v.PipeAction<string, string, v.BaseIssue<unknown>>[] = [];
  if (opts.min !== undefined) actions.push(v.minLength(opts.min, `Too small: expected string to have >=${opts.min} characters`));
  if (opts.max !== undefined) actions.push(v.maxLength(opts.max, opts.maxMessage ?? `Too big: expected string to have <=${opts.max} characters`));
  return v.pipe(v.string(opts.type ?? wrongType('string')), ...actions);
}

/** The pattern as zod printed it when a string did not match. */
export const patternMessage = (re: RegExp) => `Invalid string: must match pattern ${String(re)}`;

type ObjectMessage = string | ((iss: v.BaseIssue<unknown>) => string);

/**
 * The sentence of an object-schema issue: a missing field gets what its own schema says of
 * nothing ("Sleep window end must be a time as HH:MM (got nothing)"), an unknown key (strict
 * objects) zod's "Unrecognized key", and a non-object the given sentence.
 */
function objectMessage(entries: v.ObjectEntries, message?: ObjectMessage) {
  return (iss: v.BaseIssue<unknown>): string => {
    const at = iss.path?.[0] as { origin?: string; key?: unknown; input?: unknown } | undefined;
    if (at?.origin === 'key' && typeof at.key === 'string') {
      if (iss.expected === 'never') {
        const input = at.input as Record<string, unknown>;
        const unknown = Object.keys(input).filter((k) => !Object.prototype.hasOwnProperty.call(entries, k));
        return `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${quoted(unknown, ', ')}`;
      }
      const field = entries[at.key];
      const own = field ? v.safeParse(field, undefined).issues?.[0]?.message : undefined;
      if (own) return own;
    }
    return typeof message === 'function' ? message(iss) : (message ?? wrongType('object')(iss));
  };
}

/** An array is not an object here (valibot would read one as an object with no keys). */
const notAList = <E extends v.ObjectEntries>(message: ObjectMessage | undefined) =>
  v.custom<v.InferInput<v.ObjectSchema<E, undefined>>>((x) => !Array.isArray(x), (iss) => (typeof message === 'function' ? message(iss) : (message ?? wrongType('object')(iss))));

/** An object whose unknown keys are dropped. */
export function object<const E extends v.ObjectEntries>(entries: E, message?: ObjectMessage) {
  return v.pipe(notAList<E>(message), v.object(entries, objectMessage(entries, message)));
}

/** An object that refuses unknown keys. */
export function strictObject<const E extends v.ObjectEntries>(entries: E, message?: ObjectMessage) {
  return v.pipe(notAList<E>(message), v.strictObject(entries, objectMessage(entries, message)));
}

/** A field of the wrong type or missing; an unknown key is not (zod ran object rules after one). */
const wrongShape = (iss: v.BaseIssue<unknown>) => iss.kind === 'schema' && !isUnknownKey(iss);

/** The issue a strict object raises for a key it does not know. */
export const isUnknownKey = (iss: v.BaseIssue<unknown>) => iss.type === 'strict_object' && iss.expected === 'never';

/**
 * The first option the value passes; failing all, the problems of the one option it has the
 * right shape for (only a range or pattern broken), else "Invalid input": zod's union rule.
 */
export function union<const O extends readonly v.GenericSchema[]>(options: O) {
  return v.pipe(
    v.unknown(),
    v.rawTransform<unknown, v.InferOutput<O[number]>>(({ dataset, addIssue, NEVER }) => {
      const results = options.map((o) => v.safeParse(o, dataset.value));
      for (const r of results) if (r.success) return r.output as v.InferOutput<O[number]>;
      const shaped = results.filter((r) => !r.issues?.some(wrongShape));
      const only = shaped.length === 1 ? shaped[0] : undefined;
      if (!only?.issues) {
        addIssue({ message: 'Invalid input' });
        return NEVER;
      }
      for (const iss of only.issues) {
        const path = isUnknownKey(iss) ? iss.path?.slice(0, -1) : iss.path;
        addIssue({ message: iss.message, ...(path?.length ? { path: path as [v.IssuePathItem, ...v.IssuePathItem[]] } : {}) });
      }
      return NEVER;
    }),
  );
}

/**
 * A rule over a whole object, reported at `path` inside it. It runs when every field has the
 * right type, even if some field broke its range (zod's rule), so a person sees every problem.
 */
export function objectRule<T>(requirement: (value: T) => boolean, message: string, path: readonly string[] = []) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (dataset.issues?.some(wrongShape)) return;
    const value = dataset.value as T;
    if (!requirement(value)) addIssue({ message, ...(path.length ? { path: pathItems(value, path) } : {}) });
  });
}

/**
 * Rules over an object that may add several problems at any paths. They run as objectRule's,
 * or with evenWithWrongTypes on whatever object came (fields already reported may be anything).
 */
export function objectRules<T>(rules: (value: T, add: (message: string, path?: readonly (string | number)[]) => void) => void, opts: { evenWithWrongTypes?: boolean } = {}) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    const value: unknown = dataset.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    if (!opts.evenWithWrongTypes && dataset.issues?.some(wrongShape)) return;
    rules(value as T, (message, path = []) => addIssue({ message, ...(path.length ? { path: pathItems(value, path) } : {}) }));
  });
}

function pathItems(value: unknown, path: readonly (string | number)[]): [v.IssuePathItem, ...v.IssuePathItem[]] {
  let input = value as Record<string | number, unknown>;
  const items = path.map((key) => {
    const item = { type: 'unknown', origin: 'value', input, key, value: input?.[key] } as const;
    input = item.value as Record<string | number, unknown>;
    return item as unknown as v.IssuePathItem;
  });
  return items as [v.IssuePathItem, ...v.IssuePathItem[]];
}
