// The offline verifier page (dist/verifier.html): the user gives a bundle and trust material, the page verifies
// with the same core as `evb verify` and shows the report. No network: the page's CSP forbids every connection.
import { escapeForDisplay, isEvidenceBundleError, verifyBundle, type VerificationReport } from '../index.js';
import { escapeJsonForDisplay } from '../entries/report.js';
import { type DigestBackend } from '../entries/digest.js';
import { filesOfFolder } from './folder-source.js';
import { openBundleFile, openBundleFolder, readTrustFiles, type OpenedInput } from './open-input.js';
import { renderReport } from './render-report.js';
import { createWasmBackend } from './wasm-backend.js';

// Languages the page offers; the message catalogs are wired in here when they land (issue 10, section 2).
const LANGUAGES: ReadonlyArray<{ tag: string; name: string; dir: 'ltr' | 'rtl' }> = [{ tag: 'en', name: 'English', dir: 'ltr' }];

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const progress = $<HTMLProgressElement>('progress');
const result = $<HTMLElement>('result');
const verifyButton = $<HTMLButtonElement>('verify');
const saveLink = $<HTMLAnchorElement>('save');
const bundleName = $<HTMLElement>('bundle-name');
const trustName = $<HTMLElement>('trust-name');

let bundle: (() => Promise<OpenedInput>) | undefined;
let bundleLabel = '';
let trustFiles: File[] = [];
let last: { report: VerificationReport; context: { bundle: string; form: string; trust: string } } | undefined;
// A browser without WebAssembly, or whose CSP support lacks 'wasm-unsafe-eval', hashes with @noble/hashes instead.
const backend: Promise<DigestBackend | undefined> = createWasmBackend().catch(() => undefined);
let lang = 'en';

const say = (text: string, kind: 'info' | 'error' = 'info'): void => {
  status.textContent = text;
  status.className = kind;
};
const describeError = (error: unknown): string =>
  isEvidenceBundleError(error) ? `${error.code}: ${escapeForDisplay(error.message)}` : escapeForDisplay(error instanceof Error ? error.message : String(error));
const ready = (): void => {
  verifyButton.disabled = bundle === undefined || trustFiles.length === 0;
};

// One bundle at a time: choosing a file clears the folder chosen before, and the other way round.
const fileInput = $<HTMLInputElement>('bundle-file');
const folderInput = $<HTMLInputElement>('bundle-folder');

function setBundleFile(file: File): void {
  folderInput.value = '';
  bundle = () => openBundleFile(file);
  bundleLabel = file.name;
  bundleName.textContent = escapeForDisplay(file.name);
  ready();
}

function setBundleFolder(name: string, files: Map<string, File>): void {
  fileInput.value = '';
  bundle = async () => openBundleFolder(name, files);
  bundleLabel = `${name}/`;
  bundleName.textContent = `${escapeForDisplay(name)}/ (${files.size} files)`;
  ready();
}

function setTrust(files: File[]): void {
  trustFiles = files;
  trustName.textContent = files.map((f) => escapeForDisplay(f.name)).join(', ');
  ready();
}

fileInput.addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file !== undefined) setBundleFile(file);
});
folderInput.addEventListener('change', (e) => {
  const list = Array.from((e.target as HTMLInputElement).files ?? []);
  try {
    const top = (list[0]?.webkitRelativePath ?? '').split('/')[0] ?? 'folder';
    setBundleFolder(top, filesOfFolder(list));
  } catch (error) {
    say(describeError(error), 'error');
  }
});
$<HTMLInputElement>('trust-files').addEventListener('change', (e) => setTrust(Array.from((e.target as HTMLInputElement).files ?? [])));

// showDirectoryPicker where the browser has it (Chromium); elsewhere the folder input does the same job.
const picker = (window as unknown as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
const pickButton = $<HTMLButtonElement>('pick-folder');
if (picker === undefined) pickButton.hidden = true;
pickButton.addEventListener('click', async () => {
  try {
    const dir = await picker!.call(window);
    const files = new Map<string, File>();
    await walkHandle(dir, '', files);
    setBundleFolder(dir.name, files);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'AbortError')) say(describeError(error), 'error');
  }
});

async function walkHandle(dir: FileSystemDirectoryHandle, prefix: string, into: Map<string, File>): Promise<void> {
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind === 'file') into.set(prefix + name, await (handle as FileSystemFileHandle).getFile());
    else await walkHandle(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, into);
  }
}

// Drop: a folder is a bundle directory; a file is a bundle when it is one (ZIP or CBOR by its bytes), else trust.
for (const zone of Array.from(document.querySelectorAll<HTMLElement>('[data-drop]'))) {
  zone.addEventListener('dragover', (e: DragEvent) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e: DragEvent) => {
    e.preventDefault();
    zone.classList.remove('over');
    const items = Array.from(e.dataTransfer?.items ?? []);
    const entries = items.map((i) => i.webkitGetAsEntry()).filter((x): x is FileSystemEntry => x !== null);
    try {
      if (zone.dataset['drop'] === 'trust') {
        setTrust(Array.from(e.dataTransfer?.files ?? []));
        return;
      }
      const dir = entries.find((x) => x.isDirectory) as FileSystemDirectoryEntry | undefined;
      if (dir !== undefined) {
        const files = new Map<string, File>();
        await walkEntry(dir, '', files);
        setBundleFolder(dir.name, files);
      } else if (e.dataTransfer?.files[0] !== undefined) {
        setBundleFile(e.dataTransfer.files[0]);
      }
    } catch (error) {
      say(describeError(error), 'error');
    }
  });
}

async function walkEntry(dir: FileSystemDirectoryEntry, prefix: string, into: Map<string, File>): Promise<void> {
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (entry.isFile) into.set(prefix + entry.name, await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
      else if (entry.isDirectory) await walkEntry(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`, into);
    }
  }
}

verifyButton.addEventListener('click', () => void verify());

async function verify(): Promise<void> {
  if (bundle === undefined) return;
  verifyButton.disabled = true;
  result.replaceChildren();
  saveLink.hidden = true;
  last = undefined;
  try {
    say('Reading the trust material\u2026');
    const trust = await readTrustFiles(trustFiles);
    say('Opening the bundle\u2026');
    const opened = await bundle();
    const total = await payloadBytes(opened);
    let hashed = 0;
    progress.max = Math.max(total, 1);
    progress.value = 0;
    progress.hidden = false;
    const started = performance.now();
    say('Verifying\u2026');
    const fast = await backend;
    const report = await verifyBundle(opened.source, {
      policy: trust.policy,
      ...(fast === undefined ? {} : { backend: fast }),
      onProgress: (bytes) => {
        hashed = bytes;
        progress.value = Math.min(hashed, progress.max);
        status.textContent = `Hashing: ${formatBytes(hashed)} of ${formatBytes(total)}`;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    progress.hidden = true;
    last = { report, context: { bundle: bundleLabel, form: opened.form, trust: trust.description } };
    show();
    say(`Verified in ${seconds.toFixed(1)} s (${formatBytes(hashed)} hashed${fast === undefined ? '' : `, ${fast.name}`}).`);
    document.body.dataset['done'] = report.outcome;
  } catch (error) {
    progress.hidden = true;
    // Not a verdict: the input could not be opened as a bundle, or the trust material is unusable.
    say(`No verification: ${describeError(error)}`, 'error');
    document.body.dataset['done'] = isEvidenceBundleError(error) ? error.code : 'error';
  } finally {
    ready();
  }
}

function show(): void {
  if (last === undefined) return;
  result.replaceChildren(renderReport(last.report, { document, lang, context: last.context }));
  // The same bytes `evb verify --json` would write: exact values, invisible and bidi characters as \u escapes.
  const json = `${escapeJsonForDisplay(JSON.stringify(last.report, null, 2))}\n`;
  if (saveLink.href.startsWith('blob:')) URL.revokeObjectURL(saveLink.href);
  saveLink.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  saveLink.download = `verification-report-${last.report.outcome.toLowerCase()}.json`;
  saveLink.hidden = false;
}

async function payloadBytes(opened: OpenedInput): Promise<number> {
  let total = 0;
  for await (const entry of opened.source.list()) if (entry.kind === 'file' && entry.path.startsWith('data/')) total += entry.size;
  return total;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const langSelect = $<HTMLSelectElement>('lang');
for (const l of LANGUAGES) {
  const option = document.createElement('option');
  option.value = l.tag;
  option.textContent = l.name;
  langSelect.append(option);
}
langSelect.addEventListener('change', () => {
  const chosen = LANGUAGES.find((l) => l.tag === langSelect.value) ?? LANGUAGES[0]!;
  lang = chosen.tag;
  document.documentElement.lang = chosen.tag;
  document.documentElement.dir = chosen.dir;
  show();
});
$<HTMLButtonElement>('print').addEventListener('click', () => window.print());
