import type { FindingDefinition } from '../finding.js';

/**
 * Findings of the custody log (docs/format.md, "Custody log"). Anything that shows the log was altered or
 * written against the rules makes the outcome INVALID; a signer the receiver does not know makes it
 * INDETERMINATE. Each finding names the event's sequence number (`custody`) or, for a line that could not be
 * read at all, its `line`.
 */
export const CUSTODY_FINDINGS = {
  'custody.too-large': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The custody log is larger than the reader accepts (bytes or events); it was not checked.',
  },
  'custody.malformed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A custody line is not a canonical flattened JWS over a well-formed custody event.',
  },
  'custody.link.manifest-mismatch': {
    severity: 'error',
    effect: 'invalid',
    summary: "The first event does not link to this bundle's manifest: the log belongs to another bundle or the manifest changed.",
  },
  'custody.link.broken': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event does not link to the digest of the event before it: that event was altered.',
  },
  'custody.sequence.removed': {
    severity: 'error',
    effect: 'invalid',
    summary: 'One or more events were removed from the log: the sequence jumps and the link points to an event that is not there.',
  },
  'custody.sequence.inserted': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event was inserted into the log: it is not part of the hash chain (a second event at the same place, or a link to nothing).',
  },
  'custody.sequence.reordered': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event is out of place: the lines are not in the order the hash chain gives them.',
  },
  'custody.sequence.duplicate': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event appears more than once in the log.',
  },
  'custody.sequence.gap': {
    severity: 'error',
    effect: 'invalid',
    summary: 'The sequence numbers do not count up by one although the events are linked: the log was written wrongly.',
  },
  'custody.signature.invalid': {
    severity: 'error',
    effect: 'invalid',
    summary: "An event's signature does not verify: the event was altered after it was signed.",
  },
  'custody.signer.not-actor': {
    severity: 'error',
    effect: 'invalid',
    summary: "An event is signed by a key, or in a role, that is not its actor's.",
  },
  'custody.signer.unknown': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: "An event is signed by a key the receiver does not trust, so who recorded it is not established.",
  },
  'custody.time.backwards': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event is dated earlier than the event before it, beyond the stated clock tolerance.',
  },
  'custody.item.unknown': {
    severity: 'error',
    effect: 'invalid',
    summary: "An event names an item that is not in this bundle's manifest.",
  },
  'custody.receive.unmatched': {
    severity: 'error',
    effect: 'invalid',
    summary: 'A `received` event does not answer an earlier, unanswered `transferred` event addressed to its actor, for those items, from that sender.',
  },
  'custody.handover.not-custodian': {
    severity: 'error',
    effect: 'invalid',
    summary: 'Items were transferred, returned or destroyed by someone who was not their custodian at the time.',
  },
  'custody.seal.absent': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An event records a seal as absent: the seal that was applied is missing, so the signed record itself says the physical chain of custody was open.',
  },
  'custody.seal.broken': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An event records a seal as broken: the signed record itself says the physical chain of custody was open; whether that matters is for a person to judge.',
  },
  'custody.seal.mismatch': {
    severity: 'error',
    effect: 'indeterminate',
    summary: 'A receipt records other seal ids than the items left under (the seals of the transfer it answers, or of the latest `sealed` event before that transfer).',
  },
  'custody.time.future': {
    severity: 'warning',
    effect: 'indeterminate',
    summary: 'An event is dated after the verification time, beyond the clock tolerance: the signer\'s clock or the verifier\'s is wrong, or the event was dated falsely; its time cannot be relied on.',
  },
  'custody.transfer.unanswered': {
    severity: 'warning',
    effect: 'none',
    summary: 'A `transferred` event is answered by no `received` event: the items are in transit, or the end of the log was cut off (a receiver can require its own receipt in its trust policy).',
  },
  'custody.after-final': {
    severity: 'error',
    effect: 'invalid',
    summary: 'An event concerns items after they were returned or destroyed.',
  },
} as const satisfies Record<string, FindingDefinition>;
