// Kept apart from soak.ts so `npm run soak` can check its arguments before loading the harness.

/** The shortest soak that fits both unused spells (13 and 15 days) with the use days around them. */
export const MIN_SOAK_DAYS = 33;
