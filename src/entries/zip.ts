// evidence-bundle/zip: the ZIP form of a bundle: a streaming writer and its sink.
// Part of the isomorphic core; explicit list of exports.

export { zipSink } from '../zip/zip-sink.js';
export { ZIP_LIMITS } from '../zip/open-zip-source.js';
export type { ZipSource, ZipEntryData } from '../zip/open-zip-source.js';
export { createZipWriter } from '../zip/zip-writer.js';
export type { ZipSink, ZipWriter, ZipWriterOptions, ZipAddOptions } from '../zip/zip-writer.js';
