import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { Parser as TurtleParser } from 'n3';
import rdf from 'rdf-ext';
import Validator from 'shacl-engine/Validator.js';
import { validations as sparqlValidations } from 'shacl-engine/sparql.js';

const RDFS_SUBCLASS = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** One result of a SHACL validation, reduced to what tests assert. */
export interface ShaclResult {
  severity: string;
  path?: string;
  focusNode: string;
  component: string;
  message: string[];
}

/** A validator for CASE/UCO JSON-LD against the CASE ontology's shapes (and extra shapes, when given). */
export interface CaseValidator {
  validate(document: unknown): Promise<{ conforms: boolean; results: ShaclResult[] }>;
}

/**
 * Loads the CASE ontology (`case-1.4.0.ttl`) as the shapes graph, plus `extraShapes` (Turtle); `sparql: false`
 * leaves out the SHACL-SPARQL constraints, which shacl-engine runs through a new query engine per focus node
 * (about 0.1 s each). The data graph of
 * each validation is the document's triples and the ontology's class hierarchy (rdfs:subClassOf) only: SHACL
 * looks up sh:class and sh:targetClass through subclass links in the data graph, and the rest of the ontology is
 * not data.
 */
export function loadCaseValidator(ontologyDir: string, options: { extraShapes?: string[]; sparql?: boolean } = {}): CaseValidator {
  const { extraShapes = [], sparql = true } = options;
  const parse = (text: string): any[] => new TurtleParser({ factory: rdf as never }).parse(text);
  const ontology = [...parse(readFileSync(join(ontologyDir, 'case-1.4.0.ttl'), 'utf8')), ...extraShapes.flatMap(parse)];
  const hierarchy = ontology.filter((q) => q.predicate.value === RDFS_SUBCLASS && q.object.termType === 'NamedNode');
  const bySubject = new Map<string, any[]>();
  for (const q of ontology) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    if (!bySubject.has(key)) bySubject.set(key, []);
    bySubject.get(key)!.push(q);
  }
  const superclasses = new Map<string, string[]>();
  for (const q of hierarchy) {
    if (!superclasses.has(q.subject.value)) superclasses.set(q.subject.value, []);
    superclasses.get(q.subject.value)!.push(q.object.value);
  }
  const validators = new Map<string, InstanceType<typeof Validator>>();
  return {
    async validate(document) {
      const quads = await jsonLdQuads(document);
      const classes = closure(quads.filter((q) => q.predicate.value === RDF_TYPE).map((q) => q.object.value as string), superclasses);
      const predicates = new Set(quads.map((q) => q.predicate.value as string));
      const key = [...classes].sort().join(' ') + '|' + [...predicates].sort().join(' ');
      let validator = validators.get(key);
      if (validator === undefined) {
        validator = new Validator(applicableShapes(ontology, bySubject, classes, predicates), { factory: rdf, ...(sparql ? { validations: sparqlValidations } : {}) });
        validators.set(key, validator);
      }
      const data = rdf.dataset();
      // Only the links above the classes used: the subclass paths of the SPARQL constraints walk this part.
      for (const quad of hierarchy) if (classes.has(quad.subject.value)) data.add(quad as never);
      for (const quad of quads) data.add(quad as never);
      const report = await validator.validate({ dataset: data });
      const results: ShaclResult[] = report.results.map((r: Record<string, any>) => ({
        severity: r.severity?.value?.replace('http://www.w3.org/ns/shacl#', '') ?? '',
        ...(r.path?.[0]?.predicates?.[0] !== undefined ? { path: r.path[0].predicates[0].value } : {}),
        focusNode: r.focusNode?.term?.value ?? '',
        component: r.constraintComponent?.value?.replace('http://www.w3.org/ns/shacl#', '') ?? '',
        message: (r.message ?? []).map((m: { value: string }) => m.value),
      }));
      return { conforms: report.conforms, results };
    },
  };
}

const SH = 'http://www.w3.org/ns/shacl#';

function closure(start: string[], superclasses: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length > 0) {
    const c = todo.pop()!;
    if (seen.has(c)) continue;
    seen.add(c);
    todo.push(...(superclasses.get(c) ?? []));
  }
  return seen;
}

/**
 * The shapes that can apply to a data graph: those targeting a class its nodes are instances of, or a
 * predicate it uses, with everything they refer to (property shapes, blank nodes, lists). The rest of the
 * ontology cannot select a focus node of this graph, and leaving it out keeps validation fast.
 */
function applicableShapes(ontology: any[], bySubject: ReadonlyMap<string, any[]>, classes: Set<string>, predicates: Set<string>) {
  const roots = ontology.filter(
    (q) =>
      (q.predicate.value === `${SH}targetClass` && classes.has(q.object.value)) ||
      ((q.predicate.value === `${SH}targetObjectsOf` || q.predicate.value === `${SH}targetSubjectsOf`) && predicates.has(q.object.value)),
  );
  const shapes = rdf.dataset();
  const seen = new Set<string>();
  const todo = roots.map((q) => q.subject);
  while (todo.length > 0) {
    const term = todo.pop()!;
    const key = `${term.termType}:${term.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const q of bySubject.get(key) ?? []) {
      shapes.add(q as never);
      const follow = q.object.termType === 'BlankNode' || [`${SH}property`, `${SH}node`, `${SH}not`, `${SH}qualifiedValueShape`].includes(q.predicate.value);
      if (follow) todo.push(q.object);
    }
  }
  return shapes;
}

/** The RDF of a JSON-LD document (no remote context is ever fetched: the export's context is inline). */
export async function jsonLdQuads(document: unknown): Promise<any[]> {
  const parser = new JsonLdParser({ dataFactory: rdf as never });
  const quads: any[] = [];
  return new Promise((resolve, reject) => {
    parser.on('data', (q) => quads.push(q));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.write(JSON.stringify(document));
    parser.end();
  });
}

export { RDF_TYPE };
