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
