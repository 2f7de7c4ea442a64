import { expect } from 'vitest';
import { type ErrorCode, isEvidenceBundleError } from '../../src/errors.js';

/** Asserts that `run` throws an EvidenceBundleError with `code`, and returns it for further checks. */
export function expectCode(run: () => unknown, code: ErrorCode): Error {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(Error);
  expect(isEvidenceBundleError(thrown) ? thrown.code : thrown).toBe(code);
  return thrown as Error;
}
