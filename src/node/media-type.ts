import { extname } from 'node:path';

// A short table for the kinds of evidence seen most; anything else is application/octet-stream, and callers
// who know better pass the media type explicitly.
const BY_EXTENSION: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.eml': 'message/rfc822',
  '.mbox': 'application/mbox',
  '.pcap': 'application/vnd.tcpdump.pcap',
  '.zip': 'application/zip',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.sqlite': 'application/vnd.sqlite3',
};

/** A media type guessed from a file name's extension. */
export function guessMediaType(path: string): string {
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream';
}
