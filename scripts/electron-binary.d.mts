export const DEFAULT_MIRROR: string;
export function electronBinaryPath(pkgDir: string, env?: NodeJS.ProcessEnv): string | null;
export function electronCacheRoot(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, home?: string): string;
export function zipCached(cacheRoot: string, version: string, platform?: NodeJS.Platform, arch?: string): boolean;
export function mirrorOf(env?: NodeJS.ProcessEnv): string;
export type StartPlan = { action: 'start' } | { action: 'download' | 'refuse'; reason: string };
export function startPlan(facts: { binary: boolean; overridden: boolean; cached: boolean; reachable: boolean | null }): StartPlan;
export function refusalText(reason: string, mirror: string): string;
