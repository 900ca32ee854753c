// Whether dist/ is older than what it is built from, so `npm run headless` and `npm start` can
// skip a full `npm run build` (tsc: 10–30 s) when nothing changed. Compares modification times:
// a git checkout, an edit or a package update all give a newer time than the last build's stamp.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Written by scripts/build-bundles.mjs, the last step of `npm run build`. */
export const BUILD_STAMP = join('dist', '.build-stamp');

/** Written by scripts/ensure-built.mjs --headless once main/ is transpiled for the headless runner. */
export const HEADLESS_STAMP = join('dist', '.headless-stamp');

/** What the headless runner's JavaScript is made from: main/ and the configs that shape it. */
export const HEADLESS_INPUTS = ['main', 'tsconfig.json', 'package.json', 'package-lock.json'];

/** Everything `npm run build` reads (relative to the checkout); folders are walked. */
export const BUILD_INPUTS = ['main', 'preload', 'renderer', 'test', 'bench', 'scripts', 'tsconfig.json', 'tsconfig.renderer.json', 'package.json', 'package-lock.json'];

/**
 * Why a build is needed, or null when dist/ is current: no stamp yet, or the first input
 * modified after it. `inputs` are [path, mtimeMs] pairs; `stampMs` null when there is no stamp.
 */
export function buildNeeded(stampMs, inputs) {
  if (stampMs === null) return 'no build yet';
  for (const [path, mtimeMs] of inputs) {
    if (mtimeMs > stampMs) return `${path} changed since the last build`;
  }
  return null;
}

/**
 * For `npm run headless`: null when dist/main is current (a full build newer than every input,
 * or a headless transpile newer than main/ and its configs), else why it is not.
 */
export function headlessBuildNeeded(fullStampMs, headlessStampMs, allInputs, headlessInputs) {
  if (buildNeeded(fullStampMs, allInputs) === null) return null;
  return buildNeeded(headlessStampMs, headlessInputs);
}

/** [path, mtimeMs] of every file under the inputs that exist in `root`. */
export function inputTimes(root, inputs = BUILD_INPUTS) {
  const out = [];
  const visit = (rel) => {
    let st;
    try {
      st = statSync(join(root, rel));
    } catch {
      return; // an optional input (bench/, the lock file) that is not there
    }
    if (!st.isDirectory()) {
      out.push([rel, st.mtimeMs]);
      return;
    }
    for (const name of readdirSync(join(root, rel))) visit(join(rel, name));
  };
  for (const rel of inputs) visit(rel);
  return out;
}

/** The stamp's mtimeMs, or null when there is none. */
export function stampTime(root, stamp = BUILD_STAMP) {
  try {
    return statSync(join(root, stamp)).mtimeMs;
  } catch {
    return null;
  }
}
