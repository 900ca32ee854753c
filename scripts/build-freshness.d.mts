export const BUILD_STAMP: string;
export const BUILD_INPUTS: readonly string[];
/** Why a build is needed, or null when dist/ is current. */
export function buildNeeded(stampMs: number | null, inputs: readonly (readonly [string, number])[]): string | null;
/** [path, mtimeMs] of every file under the inputs that exist in `root`. */
export function inputTimes(root: string, inputs?: readonly string[]): [string, number][];
/** The stamp's mtimeMs, or null when there is none. */
export function stampTime(root: string): number | null;
