/** Exit codes of `evb` (sysexits.h where one fits). Stable: scripts and CI depend on them. */
export const EXIT = {
  VALID: 0,
  INVALID: 1,
  INDETERMINATE: 2,
  USAGE: 64,
  DATA: 65,
  NO_INPUT: 66,
  SOFTWARE: 70,
  CANT_CREATE: 73,
  IO: 74,
} as const;

/** The exit code of each verification outcome (`evb verify`, `evb custody log`). */
export const OUTCOME_EXIT = { VALID: EXIT.VALID, INVALID: EXIT.INVALID, INDETERMINATE: EXIT.INDETERMINATE } as const;
