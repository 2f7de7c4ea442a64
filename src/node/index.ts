// evidence-bundle/node: Node.js adapters (file system containers, native hashing, worker pool).
export {};
