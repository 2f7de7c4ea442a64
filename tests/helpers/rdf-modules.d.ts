// The RDF test tools ship without type declarations: what the CASE export tests use of them, loosely typed.
declare module 'n3' {
  export class Parser {
    constructor(options?: { factory?: unknown });
    parse(text: string): any[];
  }
}
declare module 'rdf-ext' {
  const rdf: { dataset(): { add(quad: unknown): void; match(...terms: unknown[]): Iterable<any> } } & Record<string, any>;
  export default rdf;
}
declare module 'shacl-engine/Validator.js' {
  export default class Validator {
    constructor(shapes: unknown, options: { factory: unknown; validations?: unknown });
    validate(data: { dataset: unknown }): Promise<{ conforms: boolean; results: any[] }>;
  }
}
declare module 'shacl-engine/sparql.js' {
  export const validations: unknown;
}
