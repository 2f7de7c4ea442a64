import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportBundleCase, type CaseDocument } from '../../src/entries/case.js';
import { openBundleDirectory } from '../../src/node/index.js';
import { tempDir } from '../helpers/bundle-fixture.js';
import { loadCaseValidator, type CaseValidator, type ShaclResult } from '../helpers/case-shacl.js';
import { packDemoWithCustody } from '../helpers/demo-custody.js';
import { REPO_ROOT, vectorsDir } from '../helpers/vectors.js';

// The CASE 1.4.0 ontology and its shapes, read in place from the external vectors (never copied here).
const ontology = vectorsDir('case-ontology');
const PROFILE = readFileSync(join(REPO_ROOT, 'schemas', 'case-export-profile.shacl.ttl'), 'utf8');

const UCO = 'https://ontology.unifiedcyberontology.org/uco/';
type Node = Record<string, any>;

let demo: CaseDocument;
let core: CaseValidator;

beforeAll(async () => {
  if (ontology === undefined) return;
  demo = (await exportBundleCase(await openBundleDirectory(await packDemoWithCustody(await tempDir('evb-shacl-'))))).document;
  core = loadCaseValidator(ontology, { extraShapes: [PROFILE], sparql: false });
}, 60_000);

/** The demo export with one change made by `edit` to a copy of the first node that `pick` selects. */
function broken(pick: (n: Node) => boolean, edit: (n: Node) => void): CaseDocument {
  const copy = structuredClone(demo);
  edit(copy['@graph'].find(pick)!);
  return copy;
}

const violations = (results: ShaclResult[]) => results.filter((r) => r.severity === 'Violation');

describe.skipIf(ontology === undefined)('CASE/UCO export against the CASE 1.4.0 shapes (shacl-engine)', () => {
  // Negative cases first: each breaks one class of rule, and the violation names its shape component and path.
  it.each([
    ['a hash value that is not hex', (n: Node) => n['@type'] === 'types:Hash', (n: Node) => (n['types:hashValue']['@value'] = 'not-hex'), 'DatatypeConstraintComponent', `${UCO}types/hashValue`],
    ['a hash value of the wrong datatype', (n: Node) => n['@type'] === 'types:Hash', (n: Node) => (n['types:hashValue'] = 'ab'), 'DatatypeConstraintComponent', `${UCO}types/hashValue`],
    ['a hash without its value', (n: Node) => n['@type'] === 'types:Hash', (n: Node) => delete n['types:hashValue'], 'MinCountConstraintComponent', `${UCO}types/hashValue`],
    ['a hash method outside the profile', (n: Node) => n['@type'] === 'types:Hash', (n: Node) => (n['types:hashMethod'] = 'BLAKE3'), 'InConstraintComponent', `${UCO}types/hashMethod`],
    ['an upper-case hash value (the profile writes lower case)', (n: Node) => n['@type'] === 'types:Hash', (n: Node) => (n['types:hashValue']['@value'] = n['types:hashValue']['@value'].toUpperCase()), 'PatternConstraintComponent', `${UCO}types/hashValue`],
    ['an acquisition without performer', (n: Node) => n['core:name'] === 'acquisition', (n: Node) => delete n['action:performer'], 'MinCountConstraintComponent', `${UCO}action/performer`],
    ['a custody action without performer', (n: Node) => /^custody event 2:/.test(n['core:name'] ?? ''), (n: Node) => delete n['action:performer'], 'MinCountConstraintComponent', `${UCO}action/performer`],
    ['a performer given as text', (n: Node) => n['core:name'] === 'acquisition', (n: Node) => (n['action:performer'] = 'Nguyen Van An'), 'NodeKindConstraintComponent', `${UCO}action/performer`],
    ['two performers', (n: Node) => n['core:name'] === 'acquisition', (n: Node) => (n['action:performer'] = [n['action:performer'], { '@id': 'kb:Identity-00000000-0000-4000-8000-000000000000' }]), 'MaxCountConstraintComponent', `${UCO}action/performer`],
    ['an action time that is not a date-time', (n: Node) => n['core:name'] === 'acquisition', (n: Node) => (n['action:endTime'] = { '@type': 'xsd:dateTime', '@value': 'yesterday' }), 'DatatypeConstraintComponent', `${UCO}action/endTime`],
    ['a size that is text', (n: Node) => n['@type'] === 'observable:ContentDataFacet', (n: Node) => (n['observable:sizeInBytes'] = '3'), 'DatatypeConstraintComponent', `${UCO}observable/sizeInBytes`],
    ['a provenance record without items', (n: Node) => n['@type'] === 'case-investigation:ProvenanceRecord', (n: Node) => delete n['core:object'], 'MinCountConstraintComponent', `${UCO}core/object`],
    ['a statement marking without its statement', (n: Node) => n['@type'] === 'marking:StatementMarking', (n: Node) => delete n['marking:statement'], 'MinCountConstraintComponent', `${UCO}marking/statement`],
    ['a file without its content-data facet', (n: Node) => n['@type'] === 'observable:File', (n: Node) => (n['core:hasFacet'] = n['core:hasFacet'].slice(0, 1)), 'QualifiedMinCountConstraintComponent', `${UCO}core/hasFacet`],
  ])('%s', async (_name, pick, edit, component, path) => {
    const { conforms, results } = await core.validate(broken(pick, edit));
    expect(conforms).toBe(false);
    expect(violations(results).map((r) => [r.component, r.path])).toContainEqual([component, path]);
  });

  it('a node that is a blank node breaks the SHACL-SPARQL constraint of UCO (core:UcoThing)', async () => {
    const full = loadCaseValidator(ontology!);
    const doc = {
      '@context': demo['@context'],
      '@graph': [{ '@type': 'identity:Identity', 'core:name': 'nobody' }, { '@id': 'kb:Identity-00000000-0000-4000-8000-000000000001', '@type': 'identity:Identity', 'core:name': 'somebody' }],
    };
    const { conforms, results } = await full.validate(doc);
    expect(conforms).toBe(false);
    expect(violations(results).map((r) => r.component)).toEqual(['SPARQLConstraintComponent']);
    const named = await full.validate({ ...doc, '@graph': [doc['@graph'][1]] });
    expect(named.conforms).toBe(true);
    const noUuid = await full.validate({ ...doc, '@graph': [{ ...doc['@graph'][1], '@id': 'kb:somebody' }] });
    // UCO only suggests the UUID ending: an Info result, which leaves the graph conforming.
    expect(noUuid.results.map((r) => [r.severity, r.component])).toEqual([['Info', 'SPARQLConstraintComponent']]);
  }, 60_000);

  it("the demo bundle's export conforms to the CASE shapes and the profile, SPARQL constraints included (timed)", async () => {
    const full = loadCaseValidator(ontology!, { extraShapes: [PROFILE] });
    const started = performance.now();
    const { conforms, results } = await full.validate(demo);
    const seconds = (performance.now() - started) / 1000;
    console.info(`[case-shacl] demo export, ${demo['@graph'].length} nodes: conforms=${conforms}, ${results.length} results, ${seconds.toFixed(1)} s with SHACL-SPARQL`);
    expect(results).toEqual([]);
    expect(conforms).toBe(true);
    const quick = await core.validate(demo);
    expect(quick).toEqual({ conforms: true, results: [] });
  }, 180_000);
});
