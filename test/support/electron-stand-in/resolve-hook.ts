// A Node module-resolution hook (node:module register()) for the journey tests: the specifier
// 'electron' resolves to the stand-in, so the real main process runs in plain Node. Loaded only
// by register.ts, which only test code imports; app code never names the stand-in.
const STAND_IN = new URL('./electron.js', import.meta.url).href;

type Resolved = { url: string; shortCircuit?: boolean; format?: string | null };
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  if (specifier === 'electron') return { url: STAND_IN, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
