import { resolve } from 'node:path';
import { CUSTODY_EVENT_TYPES, type CustodyEvent, type CustodyEventType } from '../../custody/custody-event.js';
import { escapeForDisplay as shown, escapeJsonForDisplay } from '../../report/display-text.js';
import { EvidenceBundleError } from '../../errors.js';
import type { Signer } from '../../sign/signer.js';
import { CUSTODY_FILE, LIMITS, MANIFEST_FILE } from '../../model/layout.js';
import { readTagFile } from '../../verify/read-tag-file.js';
import { sourceFindings } from '../../bagit/source-findings.js';
import { parseCustodyLog } from '../../custody/parse-custody-log.js';
import { verifyCustodyLog, type CustodyCheck } from '../../custody/verify-custody-log.js';
import { parseJson } from '../../encoding/strict-json.js';
import { decideOutcome } from '../../verify/outcome.js';
import { makeFinding } from '../../report/codes.js';
import { formatFinding, formatText } from '../../i18n/format.js';
import type { TextKey } from '../../i18n/catalog.js';
import { appendCustodyEvent, type CustodyEventInput } from '../../node/append-custody-event.js';
import { openBundle } from '../../node/open-bundle.js';
import { EXIT, OUTCOME_EXIT } from '../exit-codes.js';
import { UsageError, type CliIO } from '../io.js';
import type { Command } from './command.js';
import { readJsonFile } from './files.js';
import { langHelp, reportLanguage } from '../lang.js';
import { loadSigner } from './keys.js';
import { loadTrustedKeys } from './trust-inputs.js';

const SUBCOMMANDS = ['append', 'transfer', 'receive', 'log'] as const;

export const custody: Command = {
  help: `Usage:
  evb custody append BUNDLE TYPE --key KEY.jwk ACTOR --items IDS --place PLACE --purpose WHY [options]
  evb custody transfer BUNDLE --key KEY.jwk ACTOR --to PARTY.json --place PLACE --purpose WHY [options]
  evb custody receive BUNDLE --key KEY.jwk ACTOR --place PLACE --purpose WHY [--answers SEQ] [options]
  evb custody log BUNDLE [--trust KEY.jwk ...] [--json] [--lang TAG]

Each event is signed with your key and linked to the one before (the first to the manifest), so that nobody
can remove, insert, reorder or alter an event unseen. Appending is atomic and never rewrites earlier events.
Since an event cannot be taken back, one the custody rules would flag is refused (ERR_CUSTODY_RULE): a
transfer, return or destruction by someone who does not hold the items, a receipt that answers no transfer
to you, an unknown item, anything after return or destruction, a time before the last event.

TYPE is one of: ${CUSTODY_EVENT_TYPES.join(', ')}.
"transfer" records a handover to the party in --to (a JSON file {name, organisation, country, kid, role?});
the items stay in your custody until the recipient records "receive". "receive" answers the latest transfer
addressed to your key (or the one given with --answers) and takes its sender and items from it.
"log" prints the timeline (who held what, when, where, why) with each event's status; exit 0 VALID,
1 INVALID, 2 INDETERMINATE (signers you do not trust). Every subcommand takes a bundle in any form
(directory, ZIP or CBOR, recognised by content); a ZIP or CBOR file is rewritten beside and renamed over.

Actor (who you are; your key id comes from --key):
  --actor FILE         JSON {name, role, organisation, country}
  --name, --role, --organisation, --country   the same as flags (override the file)

Options:
  --key KEY            your private JWK file, or a pkcs11: URI of your key in an HSM or smart card (as
                       for evb sign --key: PIN from EVB_PKCS11_PIN or pin-source=FILE)
  --cert FILE          your certificate, then its issuers (PEM or DER, repeatable): carried as x5c, so that a
                       receiver trusting your national root knows your key without being given it
                       (refused unless the first certificate is your key's and each is followed by its issuer)
  --items IDS          item ids, comma-separated, or "all" (default: all; receive: the transfer's items)
  --place TEXT, --purpose TEXT, --notes TEXT
  --time RFC3339       when it happened (default: now)
  --seal ID[:COND]     a seal, with the condition applied|intact|broken|absent (repeatable)
  --to FILE            counterparty: to whom (transfer; disclosed and returned with append)
  --from FILE          counterparty: from whom (received with append)
  --answers SEQ        the transfer a receipt answers
  --trust FILE         a trusted public JWK or JWKS file (log; repeatable)
  --json               print the custody check as JSON (log; messages in English, with params)
  ${langHelp(23).replace('language of the report', 'language of the timeline (log)')}
`,
  options: {
    key: { type: 'string' },
    cert: { type: 'string', multiple: true },
    actor: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    country: { type: 'string' },
    items: { type: 'string' },
    place: { type: 'string' },
    purpose: { type: 'string' },
    notes: { type: 'string' },
    time: { type: 'string' },
    seal: { type: 'string', multiple: true },
    to: { type: 'string' },
    from: { type: 'string' },
    answers: { type: 'string' },
    trust: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  },
  async run(values, positionals, io) {
    const [sub, bundleArg, ...rest] = positionals;
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(`give a subcommand: ${SUBCOMMANDS.join(', ')}`);
    }
    if (bundleArg === undefined) throw new UsageError('give the BUNDLE');
    const bundle = resolve(io.cwd, bundleArg);
    if (sub === 'log') {
      if (rest.length > 0) throw new UsageError('log takes one BUNDLE');
      return showLog(bundle, values, io, reportLanguage(values, io));
    }
    if (values['lang'] !== undefined) throw new UsageError('--lang is an option of custody log');
    const type = sub === 'transfer' ? 'transferred' : sub === 'receive' ? 'received' : rest[0];
    if (rest.length !== (sub === 'append' ? 1 : 0)) throw new UsageError(sub === 'append' ? 'give BUNDLE and TYPE' : `${sub} takes one BUNDLE`);
    if (!isEventType(type)) throw new UsageError(`unknown event type "${String(type)}"; one of ${CUSTODY_EVENT_TYPES.join(', ')}`);
    const key = values['key'] as string | undefined;
    if (key === undefined) throw new UsageError('--key is required');
    const certs = ((values['cert'] as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p));
    const signer = await loadSigner(key, io, certs);
    try {
      const input = await eventInput(type, bundle, values, io, signer);
      const { seq } = await appendCustodyEvent(bundle, input, signer);
      io.stdout(`custody event ${seq} (${type}) recorded by ${shown(input.actor.name)}, ${shown(signer.kid)}\n`);
    } finally {
      await signer.close();
    }
    return EXIT.VALID;
  },
};

function isEventType(type: string | undefined): type is CustodyEventType {
  return (CUSTODY_EVENT_TYPES as readonly (string | undefined)[]).includes(type);
}

async function eventInput(type: CustodyEventType, bundle: string, values: Record<string, unknown>, io: CliIO, signer: Signer): Promise<CustodyEventInput> {
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const required = (name: string): string => {
    const v = str(name);
    if (v === undefined) throw new UsageError(`--${name} is required`);
    return v;
  };
  const fromFile = str('actor') === undefined ? {} : await readObject(resolve(io.cwd, str('actor')!));
  if (fromFile['kid'] !== undefined && fromFile['kid'] !== signer.kid) {
    throw new UsageError(`the actor file names kid ${String(fromFile['kid'])}, but --key is ${signer.kid}`);
  }
  const actor: Record<string, unknown> = {};
  for (const field of ['name', 'role', 'organisation', 'country']) {
    const value = str(field) ?? fromFile[field];
    if (value === undefined) throw new UsageError(`the actor's ${field} is missing (--actor FILE or --${field})`);
    actor[field] = value;
  }
  const input: Record<string, unknown> = { type, actor, place: required('place'), purpose: required('purpose') };
  const items = str('items');
  if (items !== undefined) input['items'] = items === 'all' ? 'all' : items.split(',').map((s) => s.trim()).filter((s) => s !== '');
  else input['items'] = 'all';
  if (str('time') !== undefined) input['time'] = str('time');
  if (str('notes') !== undefined) input['notes'] = str('notes');
  const seals = (values['seal'] as string[] | undefined) ?? [];
  if (seals.length > 0) {
    input['seals'] = seals.map((s) => {
      const at = s.lastIndexOf(':');
      const condition = at === -1 ? undefined : s.slice(at + 1);
      if (condition !== undefined && ['applied', 'intact', 'broken', 'absent'].includes(condition)) return { id: s.slice(0, at), condition };
      return { id: s };
    });
  }
  const party = str('to') ?? str('from');
  if (party !== undefined) input['counterparty'] = await readObject(resolve(io.cwd, party));
  if (str('answers') !== undefined) input['answers'] = parseSeq(str('answers')!);
  if (type === 'received') await completeReceipt(bundle, input, signer, items === undefined);
  return input as CustodyEventInput;
}

/** Fills a receipt from the transfer it answers: its seq, its sender as counterparty, its items by default. */
async function completeReceipt(bundle: string, input: Record<string, unknown>, signer: Signer, defaultItems: boolean): Promise<void> {
  const opened = await openBundle(bundle);
  let read;
  try {
    read = await readTagFile(opened.source, CUSTODY_FILE, LIMITS.custodyBytes);
  } finally {
    await opened.close();
  }
  const log = read ?? new Uint8Array(0);
  if (log === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${CUSTODY_FILE} is full`);
  const events = parseCustodyLog(log).lines.flatMap((l) => (l.signed ? [l.signed.event] : []));
  const answered = new Set(events.flatMap((e) => (e.type === 'received' ? [e.answers] : [])));
  const toMe = events.filter((e): e is Extract<CustodyEvent, { type: 'transferred' }> => e.type === 'transferred' && e.counterparty.kid === signer.kid);
  const transfer =
    input['answers'] !== undefined ? toMe.find((e) => e.seq === input['answers']) : toMe.filter((e) => !answered.has(e.seq)).at(-1);
  if (transfer === undefined) {
    throw new EvidenceBundleError('ERR_CUSTODY_INVALID', input['answers'] !== undefined ? `event ${String(input['answers'])} is not a transfer to ${signer.kid}` : `no transfer to ${signer.kid} awaits receipt`);
  }
  input['answers'] = transfer.seq;
  if (input['counterparty'] === undefined) {
    const { name, role, organisation, country, kid } = transfer.actor;
    input['counterparty'] = { name, role, organisation, country, kid };
  }
  if (defaultItems) input['items'] = transfer.items;
}

async function showLog(bundle: string, values: Record<string, unknown>, io: CliIO, lang: string): Promise<number> {
  const trustedKeys = await loadTrustedKeys(((values['trust'] as string[] | undefined) ?? []).map((p) => resolve(io.cwd, p)));
  // Any form, by content, as `evb verify` reads it.
  const opened = await openBundle(bundle);
  try {
    const source = opened.source;
    const manifestBytes = await readTagFile(source, MANIFEST_FILE, LIMITS.manifestBytes);
    if (manifestBytes === undefined) throw new EvidenceBundleError('ERR_BAG_INVALID', `${MANIFEST_FILE} is missing`);
    if (manifestBytes === 'too-large') throw new EvidenceBundleError('ERR_LIMIT_EXCEEDED', `${MANIFEST_FILE} exceeds ${LIMITS.manifestBytes} bytes`);
    const manifest = parseJson(manifestBytes, { maxBytes: LIMITS.manifestBytes, maxValues: LIMITS.manifestValues, maxMembers: LIMITS.manifestMembers }) as { items?: Array<{ id?: unknown }> };
    const itemIds = new Set((Array.isArray(manifest.items) ? manifest.items : []).flatMap((i) => (typeof i?.id === 'string' ? [i.id] : [])));
    const log = (await readTagFile(source, CUSTODY_FILE, LIMITS.custodyBytes)) ?? new Uint8Array(0);
    // A log past its limit is not read: the one finding says so, as `evb verify` reports it.
    const check: CustodyCheck =
      log === 'too-large'
        ? { events: [], custodians: {}, heldSince: {}, findings: [makeFinding('custody.too-large', `${CUSTODY_FILE} exceeds ${LIMITS.custodyBytes} bytes`, { path: CUSTODY_FILE }, { detail: `> ${LIMITS.custodyBytes} bytes` })] }
        : await verifyCustodyLog(log, { manifestBytes, itemIds, trustedKeys });
    // A bad commit journal (the log above is then the one before it) counts as `evb verify` counts it.
    check.findings.unshift(...(await sourceFindings(source)));
    if (values['json'] === true) io.stdout(escapeJsonForDisplay(JSON.stringify(check, null, 2)) + '\n');
    else io.stdout(renderTimeline(check, lang));
    return OUTCOME_EXIT[decideOutcome(check.findings)];
  } finally {
    await opened.close();
  }
}

/**
 * The timeline for a person, in `lang` (the catalogs' `log.*` strings, statuses, severities and finding
 * messages); codes, event types and times stay as the format has them. Everything taken from the log is
 * escaped for display, so each line stays one line.
 */
function renderTimeline(check: CustodyCheck, lang: string): string {
  const t = (key: TextKey, values?: Readonly<Record<string, string | number>>): string => formatText(lang, key, values);
  const upper = (key: TextKey, fallback: string): string => (Object.hasOwn(STATUS_KEYS, key) ? t(key) : shown(fallback)).toLocaleUpperCase(lang);
  if (check.events.length === 0 && check.findings.length === 0) return `${t('log.none')}\n`;
  const out: string[] = [t('log.heading')];
  for (const e of check.events) {
    const items = e.items === 'all' ? t('custody.all-items') : e.items.map((id) => shown(id)).join(', ');
    const type = shown(e.type);
    const what = e.counterparty === undefined ? type : t(e.type === 'received' ? 'custody.from' : 'custody.to', { type, party: shown(e.counterparty) });
    out.push(`  #${e.seq} [${upper(`status.${e.status}` as TextKey, e.status)}] ${shown(e.time)} ${what}`);
    out.push(`      ${t('log.by', { actor: shown(e.actor), kid: shown(e.kid) })}`);
    out.push(`      ${t('log.detail', { items, place: shown(e.place), purpose: shown(e.purpose) })}`);
  }
  const holders = Object.entries(check.custodians);
  if (holders.length > 0) {
    out.push(t('log.custodians'));
    for (const [item, kid] of holders) out.push(`  ${shown(item)}: ${shown(kid)}`);
  }
  if (check.findings.length > 0) {
    out.push(t('log.findings'));
    for (const f of check.findings) {
      const at = f.custody !== undefined ? ` (${t('log.at-event', { seq: String(f.custody) })})` : f.line !== undefined ? ` (${t('page.at.line', { line: String(f.line) })})` : '';
      out.push(`  ${upper(`page.severity.${f.severity}` as TextKey, f.severity)} ${shown(f.code)}${at}: ${formatFinding(f, lang)}`);
    }
  }
  return out.join('\n') + '\n';
}

// The statuses and severities the catalogs name; anything else (a newer status) is shown as it is.
const STATUS_KEYS: Readonly<Record<string, true>> = Object.fromEntries(
  ['status.valid', 'status.invalid', 'status.untrusted', 'status.malformed', 'page.severity.error', 'page.severity.warning', 'page.severity.info'].map((k) => [k, true]),
);

/**
 * Reads one of the bundle's own files whole, within the limit every reader of it applies (a received bundle
 * cannot make the command allocate more): undefined when there is none, 'too-large' past the limit.
 * @throws EvidenceBundleError with the source's code for a file that is there but cannot be read
 */
async function readObject(path: string): Promise<Record<string, unknown>> {
  const value = await readJsonFile(path, 1024 * 1024);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EvidenceBundleError('ERR_DOCUMENT_INVALID', `${path} is not a JSON object`);
  return value as Record<string, unknown>;
}

function parseSeq(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--answers must be a sequence number, not "${text}"`);
  return n;
}
