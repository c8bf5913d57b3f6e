/** The waivers file the governance tests judge: one deptry waiver, or the table with no waiver. */
export const WAIVERS = [
  '| id | tool | match | reason | rationale | owner | approvers | approved | expires |',
  '|---|---|---|---|---|---|---|---|---|',
  '| W-1 | deptry | `code=DEP002 module=gunicorn` | false-positive | used by the Procfile | @acme/api | @dev-dan | 2026-11-20 | 2027-01-31 |',
  '',
].join('\n');

/** The same table with no waiver in it (the default branch's file in the tests). */
export const NO_WAIVERS = `${WAIVERS.split('\n').slice(0, 2).join('\n')}\n`;
