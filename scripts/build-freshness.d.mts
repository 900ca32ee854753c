export const BUILD_STAMP: string;
export const BUILD_INPUTS: readonly string[];
export const HEADLESS_STAMP: string;
export const HEADLESS_INPUTS: readonly string[];
/** Why a build is needed, or null when dist/ is current. */
export function buildNeeded(stampMs: number | null, inputs: readonly (readonly [string, number])[]): string | null;
/** [path, mtimeMs] of every file under the inputs that exist in `root`. */
export function inputTimes(root: string, inputs?: readonly string[]): [string, number][];
/** For `npm run headless`: null when dist/main is current (full build or headless transpile), else why not. */
export function headlessBuildNeeded(
  fullStampMs: number | null,
  headlessStampMs: number | null,
  allInputs: readonly (readonly [string, number])[],
  headlessInputs: readonly (readonly [string, number])[],
): string | null;
/** The stamp's mtimeMs, or null when there is none. */
export function stampTime(root: string, stamp?: string): number | null;
