// Kept only for renderer/log-view.ts, which imports absolute times from here; the wording itself
// lives in main/presenters/durations.ts. Import from there in new code.
export { isoText } from '../../main/presenters/durations.js';
