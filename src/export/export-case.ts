import type { CustodyEvent } from '../custody/custody-event.js';
import type { CustodyEventResult } from '../custody/verify-custody-log.js';
import type { DigestAlgorithm } from '../digest/algorithms.js';
import type { Manifest } from '../model/manifest.js';
import { CASE_KB, caseIri } from './case-iri.js';

/** The CASE and UCO release the export follows. */
export const CASE_VERSION = '1.4.0';

/** The JSON-LD context of every export: the CASE 1.4 / UCO 1.4 namespaces and the node namespace `kb:`. */
export const CASE_CONTEXT = {
  kb: CASE_KB,
  'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
  action: 'https://ontology.unifiedcyberontology.org/uco/action/',
  core: 'https://ontology.unifiedcyberontology.org/uco/core/',
  identity: 'https://ontology.unifiedcyberontology.org/uco/identity/',
  location: 'https://ontology.unifiedcyberontology.org/uco/location/',
  marking: 'https://ontology.unifiedcyberontology.org/uco/marking/',
  observable: 'https://ontology.unifiedcyberontology.org/uco/observable/',
  tool: 'https://ontology.unifiedcyberontology.org/uco/tool/',
  types: 'https://ontology.unifiedcyberontology.org/uco/types/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

/**
 * UCO's names (vocabulary:HashNameVocab) for the digest algorithms of a bundle. BLAKE3 has none in UCO 1.4:
 * it is left out of the export rather than written under a name UCO's shapes would flag.
 */
export const UCO_HASH_NAMES: Readonly<Record<DigestAlgorithm, string | undefined>> = {
  sha256: 'SHA256',
  sha512: 'SHA512',
  'sha3-256': 'SHA3-256',
  blake3: undefined,
};

/** One custody event to export, with the status verification gave it when known. */
export interface CaseCustodyEvent {
  event: CustodyEvent;
  status?: CustodyEventResult['status'];
}

/** Something of the bundle that the export could not carry, and why. */
export type CaseExportNote =
  /** A digest whose algorithm UCO does not name, left out. */
  | { code: 'unsupported-hash'; item: string; algorithm: DigestAlgorithm }
  /** A custody event that names none of the manifest's items (it breaks the custody rules), left out. */
  | { code: 'custody-without-items'; custody: number };

/** A CASE/UCO JSON-LD document: `@context` and `@graph`. */
export interface CaseDocument {
  '@context': typeof CASE_CONTEXT;
  '@graph': Array<Record<string, unknown>>;
}

/** An export and what it left out. */
export interface CaseExport {
  document: CaseDocument;
  notes: CaseExportNote[];
}

type Node = Record<string, unknown>;
const ref = (id: string): Node => ({ '@id': id });
const typed = (type: string, value: string | number): Node => ({ '@type': type, '@value': String(value) });
const dateTime = (value: string): Node => typed('xsd:dateTime', value);

/**
 * Exports a bundle's manifest and custody log as CASE 1.4 / UCO 1.4 JSON-LD (docs/format.md, "CASE/UCO
 * export"): each item an `observable:File` with its file, content-data and hash facets; each acquisition and
 * derivation a `case-investigation:InvestigativeAction`; each custody event an action with a
 * `case-investigation:ProvenanceRecord` as its result; the legal basis a `case-investigation:Authorization`
 * of a `case-investigation:Investigation`; the handling marking and use restrictions UCO markings on every
 * item. Node IRIs end in a UUID derived from the bundle id, so the same bundle always gives the same graph.
 * The input is taken as given: export a bundle that was verified, or say that it was not.
 * @example
 * const { document, notes } = exportCase(manifest, custodyEvents);
 */
export function exportCase(manifest: Manifest, custody: readonly CaseCustodyEvent[] = []): CaseExport {
  const iri = (kind: string, name: string): string => caseIri(manifest.bundleId, kind, name);
  const graph: Node[] = [];
  // Places, tools and people recur across items and events: each is one node, found in constant time.
  const shared = new Set<string>();
  const once = (node: Node): void => {
    if (shared.has(node['@id'] as string)) return;
    shared.add(node['@id'] as string);
    graph.push(node);
  };
  const notes: CaseExportNote[] = [];
  const lb = manifest.legalBasis;

  const handlingMark = iri('MarkingDefinition', 'handling');
  const useMark = iri('MarkingDefinition', 'use-restrictions');
  graph.push(
    {
      '@id': handlingMark,
      '@type': 'marking:MarkingDefinition',
      'marking:definitionType': 'statement',
      'marking:definition': ref(iri('StatementMarking', 'handling')),
    },
    { '@id': iri('StatementMarking', 'handling'), '@type': 'marking:StatementMarking', 'marking:definitionType': 'statement', 'marking:statement': manifest.handling.marking },
    {
      '@id': useMark,
      '@type': 'marking:MarkingDefinition',
      'marking:definitionType': 'terms-of-use',
      'marking:definition': ref(iri('TermsOfUseMarking', 'use-restrictions')),
    },
    {
      '@id': iri('TermsOfUseMarking', 'use-restrictions'),
      '@type': 'marking:TermsOfUseMarking',
      'marking:definitionType': 'terms-of-use',
      'marking:termsOfUse': termsOfUse(manifest),
    },
  );
  const markings = [ref(handlingMark), ref(useMark)];

  const organisation = (role: string, a: Manifest['creator']): string => {
    const id = iri('Organization', role);
    graph.push({
      '@id': id,
      '@type': 'identity:Organization',
      'core:name': a.unit !== undefined ? `${a.name}, ${a.unit}` : a.name,
      'core:description': `${role} (${a.country})`,
    });
    return id;
  };
  const creator = organisation('creator', manifest.creator);
  const authorities = [organisation('requesting authority', lb.requestingAuthority), organisation('executing authority', lb.executingAuthority)];

  const actorIds = new Map<string, string>();
  for (const actor of manifest.actors) {
    const id = iri('Identity', `actor:${actor.id}`);
    actorIds.set(actor.id, id);
    graph.push({
      '@id': id,
      '@type': 'identity:Identity',
      'core:name': actor.name,
      'core:description': `${actor.role}, ${actor.organisation} (${actor.country})`,
    });
  }

  const fileIds = new Map<string, string>();
  for (const item of manifest.items) fileIds.set(item.id, iri('File', `item:${item.id}`));
  const members: string[] = [...authorities];
  const location = (name: string): string => {
    const id = iri('Location', `place:${name}`);
    once({ '@id': id, '@type': 'location:Location', 'core:name': name });
    return id;
  };

  for (const item of manifest.items) {
    const file = fileIds.get(item.id)!;
    members.push(file);
    const hashes: Node[] = [];
    for (const [algorithm, value] of Object.entries(item.digests ?? {}) as Array<[DigestAlgorithm, string]>) {
      const name = UCO_HASH_NAMES[algorithm];
      if (name === undefined) {
        notes.push({ code: 'unsupported-hash', item: item.id, algorithm });
        continue;
      }
      const id = iri('Hash', `item:${item.id}:${algorithm}`);
      hashes.push(ref(id));
      graph.push({ '@id': id, '@type': 'types:Hash', 'types:hashMethod': name, 'types:hashValue': typed('xsd:hexBinary', value) });
    }
    const fileFacet: Node = { '@id': iri('FileFacet', `item:${item.id}`), '@type': 'observable:FileFacet' };
    if (item.path !== undefined) {
      fileFacet['observable:fileName'] = item.path.slice(item.path.lastIndexOf('/') + 1);
      fileFacet['observable:filePath'] = item.path;
    }
    if (item.size !== undefined) fileFacet['observable:sizeInBytes'] = typed('xsd:integer', item.size);
    const contentFacet: Node = { '@id': iri('ContentDataFacet', `item:${item.id}`), '@type': 'observable:ContentDataFacet', 'observable:mimeType': item.mediaType };
    if (item.size !== undefined) contentFacet['observable:sizeInBytes'] = typed('xsd:integer', item.size);
    if (hashes.length > 0) contentFacet['observable:hash'] = hashes;
    const descriptions = Object.values(item.description ?? {});
    if (item.disclosure.status === 'withheld') descriptions.push(`withheld: ${item.disclosure.reason}`);
    graph.push(
      {
        '@id': file,
        '@type': 'observable:File',
        'core:name': item.id,
        ...(descriptions.length > 0 ? { 'core:description': descriptions } : {}),
        'core:objectMarking': markings,
        'core:hasFacet': [ref(fileFacet['@id'] as string), ref(contentFacet['@id'] as string)],
      },
      fileFacet,
      contentFacet,
    );

    if (item.acquisition !== undefined) {
      const a = item.acquisition;
      const action: Node = {
        '@id': iri('InvestigativeAction', `acquisition:${item.id}`),
        '@type': 'case-investigation:InvestigativeAction',
        'core:name': 'acquisition',
        'core:description': a.method,
        'action:performer': ref(actorIds.get(a.actor)!),
        'action:endTime': dateTime(a.time),
        'action:result': [ref(file)],
      };
      if (a.tool !== undefined) {
        const tool = iri('Tool', `tool:${a.tool.name}\u0000${a.tool.version}`);
        once({ '@id': tool, '@type': 'tool:Tool', 'core:name': a.tool.name, 'tool:version': a.tool.version });
        action['action:instrument'] = [ref(tool)];
      }
      if (a.source !== undefined) {
        const source = iri('ObservableObject', `source:${item.id}`);
        graph.push({ '@id': source, '@type': 'observable:ObservableObject', 'core:name': a.source });
        action['action:object'] = [ref(source)];
      }
      if (a.place !== undefined) action['action:location'] = [ref(location(a.place))];
      graph.push(action);
      members.push(action['@id'] as string);
    }
    if (item.derivedFrom !== undefined) {
      const action: Node = {
        '@id': iri('InvestigativeAction', `derivation:${item.id}`),
        '@type': 'case-investigation:InvestigativeAction',
        'core:name': 'derivation',
        'core:description': item.derivedFrom.map((d) => `${d.item}: ${d.method}`),
        // The manifest names no actor for a derivation: the authority that states it in the signed manifest
        // answers for it.
        'action:performer': ref(creator),
        'action:object': item.derivedFrom.map((d) => ref(fileIds.get(d.item)!)),
        'action:result': [ref(file)],
      };
      graph.push(action);
      members.push(action['@id'] as string);
    }
  }

  const everything = manifest.items.map((i) => ref(fileIds.get(i.id)!));
  for (const { event, status } of custody) {
    const objects = event.items === 'all' ? everything : event.items.flatMap((id) => (fileIds.has(id) ? [ref(fileIds.get(id)!)] : []));
    if (objects.length === 0) {
      notes.push({ code: 'custody-without-items', custody: event.seq });
      continue;
    }
    const performer = iri('Identity', `custody-actor:${event.actor.kid}\u0000${event.actor.name}`);
    once({
      '@id': performer,
      '@type': 'identity:Identity',
      'core:name': event.actor.name,
      'core:description': `${event.actor.role}, ${event.actor.organisation} (${event.actor.country}), key ${event.actor.kid}`,
    });
    const record = iri('ProvenanceRecord', `custody:${event.seq}`);
    const action: Node = {
      '@id': iri('InvestigativeAction', `custody:${event.seq}`),
      '@type': 'case-investigation:InvestigativeAction',
      // The sequence and type, in a fixed form that a reader can take back (docs/format.md).
      'core:name': `custody event ${event.seq}: ${event.type}`,
      'core:description': custodyDescription(event, status),
      'action:performer': ref(performer),
      'action:startTime': dateTime(event.time),
      'action:endTime': dateTime(event.time),
      'action:location': [ref(location(event.place))],
      'action:object': objects,
      'action:result': [ref(record)],
    };
    if (event.counterparty !== undefined) {
      const c = event.counterparty;
      const party = iri('Identity', `counterparty:${c.kid ?? ''}\u0000${c.name}\u0000${c.organisation}`);
      once({ '@id': party, '@type': 'identity:Identity', 'core:name': c.name, 'core:description': `${c.role ?? 'counterparty'}, ${c.organisation} (${c.country})` });
      action['action:participant'] = [ref(party)];
    }
    graph.push(action, {
      '@id': record,
      '@type': 'case-investigation:ProvenanceRecord',
      'core:name': `custody event ${event.seq}`,
      'case-investigation:exhibitNumber': manifest.case.reference,
      'core:object': objects,
    });
    members.push(action['@id'] as string, record);
  }

  const authorization = iri('Authorization', 'legal-basis');
  graph.push({
    '@id': authorization,
    '@type': 'case-investigation:Authorization',
    'core:name': lb.instrument.name,
    'core:description': [lb.purpose, ...(lb.instrument.article !== undefined ? [lb.instrument.article] : [])],
    'case-investigation:authorizationType': `${lb.instrument.kind}; ${lb.request.kind}`,
    'case-investigation:authorizationIdentifier': [lb.request.reference, ...(lb.request.identifiers ?? []).map((i) => `${i.scheme}:${i.value}`)],
    ...(lb.request.date !== undefined ? { 'core:startTime': dateTime(`${lb.request.date}T00:00:00Z`) } : {}),
  });
  graph.push({
    '@id': iri('Investigation', 'case'),
    '@type': 'case-investigation:Investigation',
    'core:name': manifest.case.reference,
    ...(manifest.case.title !== undefined ? { 'core:description': manifest.case.title } : {}),
    'core:tag': `evidence-bundle:${manifest.bundleId}`,
    'core:createdBy': ref(creator),
    'core:objectCreatedTime': dateTime(manifest.createdAt),
    'core:objectMarking': markings,
    'case-investigation:relevantAuthorization': [ref(authorization)],
    'core:object': members.map(ref),
  });
  return { document: { '@context': CASE_CONTEXT, '@graph': graph }, notes };
}

function termsOfUse(manifest: Manifest): string {
  const u = manifest.legalBasis.useRestrictions;
  const lines = [u.speciality ? `speciality: use only for ${manifest.legalBasis.purpose}` : 'no rule of speciality'];
  for (const c of u.conditions ?? []) lines.push(c);
  if (manifest.handling.retention !== undefined) {
    const r = manifest.handling.retention;
    lines.push(`retention: ${r.until !== undefined ? `until ${r.until}, then ` : ''}${r.onExpiry}${r.conditions !== undefined ? `; ${r.conditions}` : ''}`);
  }
  return lines.join('\n');
}

function custodyDescription(event: CustodyEvent, status: CaseCustodyEvent['status']): string[] {
  const lines = [event.purpose];
  for (const s of event.seals ?? []) lines.push(`seal ${s.id}${s.condition !== undefined ? ` (${s.condition})` : ''}`);
  if (event.notes !== undefined) lines.push(event.notes);
  if (status !== undefined) lines.push(`signature status at export: ${status}`);
  return lines;
}
