// A small DER tree editor for tests: parse a value into tag/length/content nodes, change a node, write it back
// with lengths recomputed, so a mutation deep inside a token keeps every enclosing length consistent.

/** One TLV: `id` is the identifier octets; a constructed node has `children`, a primitive one `content`. */
export interface DerNode {
  id: number[];
  children?: DerNode[];
  content?: Uint8Array;
  /** How to write the length: `long` uses the long form even where the short one fits. */
  length?: 'long' | 'indefinite';
}

/** Parses strict-enough DER (definite lengths, one-octet tags) into nodes. Throws on anything else. */
export function parseDer(bytes: Uint8Array): DerNode {
  const [node, end] = parseAt(bytes, 0);
  if (end !== bytes.length) throw new Error('trailing bytes');
  return node;
}

function parseAt(bytes: Uint8Array, at: number): [DerNode, number] {
  const id = bytes[at]!;
  let i = at + 1;
  let length = bytes[i++]!;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + bytes[i++]!;
  }
  const end = i + length;
  if (id & 0x20) {
    const children: DerNode[] = [];
    while (i < end) {
      const [child, next] = parseAt(bytes, i);
      children.push(child);
      i = next;
    }
    return [{ id: [id], children }, end];
  }
  return [{ id: [id], content: bytes.slice(i, end) }, end];
}

/** Writes nodes back, lengths recomputed (in the form a node asks for). */
export function encodeDer(node: DerNode): Uint8Array {
  const content = node.children ? concat(node.children.map(encodeDer)) : node.content!;
  if (node.length === 'indefinite') return concat([new Uint8Array([...node.id, 0x80]), content, new Uint8Array([0, 0])]);
  let length: number[];
  if (content.length < 0x80 && node.length !== 'long') length = [content.length];
  else {
    const octets: number[] = [];
    for (let n = content.length; n > 0 || octets.length === 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
    length = [0x80 | octets.length, ...octets];
  }
  return concat([new Uint8Array([...node.id, ...length]), content]);
}

/** Every node of the tree, depth first, with its parent. */
export function* walkDer(node: DerNode, parent?: DerNode): Generator<{ node: DerNode; parent: DerNode | undefined }> {
  yield { node, parent };
  for (const child of node.children ?? []) yield* walkDer(child, node);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
