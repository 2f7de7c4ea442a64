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
  /** Stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
  SIGINT: 130,
  /** Stopped by kill(1) (128 + SIGTERM). */
  SIGTERM: 143,
} as const;

/** The exit code of each verification outcome (`evb verify`, `evb custody log`). */
export const OUTCOME_EXIT = { VALID: EXIT.VALID, INVALID: EXIT.INVALID, INDETERMINATE: EXIT.INDETERMINATE } as const;
