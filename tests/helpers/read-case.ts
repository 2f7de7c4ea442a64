import { jsonLdQuads, RDF_TYPE } from './case-shacl.js';

const CORE = 'https://ontology.unifiedcyberontology.org/uco/core/';
const OBS = 'https://ontology.unifiedcyberontology.org/uco/observable/';
const TYPES = 'https://ontology.unifiedcyberontology.org/uco/types/';
const INV = 'https://ontology.caseontology.org/case/investigation/';
const ACTION = 'https://ontology.unifiedcyberontology.org/uco/action/';

/** What a CASE export says, read back from its RDF (not from its JSON): items, digests, custody sequence. */
export interface ReadCase {
  items: Array<{ id: string; path?: string; size?: number; mediaType?: string; digests: Record<string, string> }>;
  custody: Array<{ seq: number; type: string; time: string; items: string[] }>;
}

/** Reads an export through its triples, as a CASE tool would: by classes and properties, never by node names. */
export async function readCase(document: unknown): Promise<ReadCase> {
  const quads = await jsonLdQuads(document);
  const out = (s: string, p: string): string[] => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value as string);
  const ofType = (t: string): string[] => quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === t).map((q) => q.subject.value as string);
  const facet = (file: string, t: string): string | undefined => out(file, `${CORE}hasFacet`).find((f) => out(f, RDF_TYPE).includes(t));
  const nameOf = new Map<string, string>();
  const items = ofType(`${OBS}File`).map((file) => {
    const id = out(file, `${CORE}name`)[0]!;
    nameOf.set(file, id);
    const fileFacet = facet(file, `${OBS}FileFacet`);
    const content = facet(file, `${OBS}ContentDataFacet`)!;
    const digests: Record<string, string> = {};
    for (const hash of out(content, `${OBS}hash`)) digests[out(hash, `${TYPES}hashMethod`)[0]!] = out(hash, `${TYPES}hashValue`)[0]!;
    const path = fileFacet !== undefined ? out(fileFacet, `${OBS}filePath`)[0] : undefined;
    const size = out(content, `${OBS}sizeInBytes`)[0];
    return {
      id,
      ...(path !== undefined ? { path } : {}),
      ...(size !== undefined ? { size: Number(size) } : {}),
      mediaType: out(content, `${OBS}mimeType`)[0]!,
      digests,
    };
  });
  const custody = ofType(`${INV}InvestigativeAction`).flatMap((action) => {
    const m = /^custody event (\d+): ([a-z]+)$/.exec(out(action, `${CORE}name`)[0] ?? '');
    if (m === null) return [];
    const record = out(action, `${ACTION}result`).find((r) => out(r, RDF_TYPE).includes(`${INV}ProvenanceRecord`))!;
    return [{ seq: Number(m[1]), type: m[2]!, time: out(action, `${ACTION}endTime`)[0]!, items: out(record, `${CORE}object`).map((f) => nameOf.get(f)!).sort() }];
  });
  custody.sort((a, b) => a.seq - b.seq);
  items.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { items, custody };
}
