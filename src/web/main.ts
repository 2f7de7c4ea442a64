// The offline verifier page (dist/verifier.html): the user gives a bundle and trust material, the page verifies
// with the same core as `evb verify` and shows the report. No network: the page's CSP forbids every connection.
import { escapeForDisplay, isEvidenceBundleError, verifyBundle, type VerificationReport } from '../index.js';
import { escapeJsonForDisplay } from '../entries/report.js';
import { formatDecimal, formatNumber, formatText, LANGUAGES, languagesFromNavigator, messages, negotiateLanguage, type TextKey } from '../entries/i18n.js';
import { type DigestBackend } from '../entries/digest.js';
import { filesOfFolder } from './folder-source.js';
import { openBundleFile, openBundleFolder, readTrustFiles, type OpenedInput } from './open-input.js';
import { renderReport } from './render-report.js';
import { createWasmBackend } from './wasm-backend.js';
import { connectSha256Worker, type WorkerSha256 } from './hash-worker.js';

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
let last: { report: VerificationReport; bundle: string; form: string; trust: { policy: string } | { keys: number } } | undefined;
// A browser without WebAssembly, or whose CSP support lacks 'wasm-unsafe-eval', hashes with @noble/hashes instead.
const backend: Promise<DigestBackend | undefined> = createWasmBackend().catch(() => undefined);
// Large items get their SHA-256 in a Web Worker while this thread reads on (hash-worker.ts), so reading and
// hashing run on two cores. Started from the page's own inert copy of its script; a browser that cannot start it
// (no Worker, a stricter policy) hashes here instead, to the same report.
const worker: Promise<WorkerSha256 | undefined> = (async () => {
  try {
    const code = document.getElementById('evb-hash-worker')?.textContent ?? '';
    if (code === '' || typeof Worker !== 'function') return undefined;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    try {
      return await connectSha256Worker(new Worker(url));
    } finally {
      URL.revokeObjectURL(url);
    }
  } catch {
    return undefined;
  }
})();
// Bytes the worker has hashed of files whose digest the validator has not counted yet (worker-digest.ts).
let hashing = 0;
// Whether the worker hashed any byte in this verification (a bundle of small files never needs it).
let workerHashed = false;
let onHashing: () => void = () => undefined;
const workerOptions = async (): Promise<{ sha256: WorkerSha256; backend?: DigestBackend; onHashing: (delta: number) => void } | undefined> => {
  const sha256 = await worker;
  if (sha256 === undefined) return undefined;
  const fast = await backend;
  const onDelta = (delta: number): void => {
    hashing += delta;
    if (delta > 0) workerHashed = true;
    onHashing();
  };
  return { sha256, ...(fast === undefined ? {} : { backend: fast }), onHashing: onDelta };
};
// The browser's preferred languages pick the catalog (RFC 4647 lookup, as `evb verify --lang`); a malformed
// tag in navigator.languages falls back to English rather than leave the page without labels.
let lang = ((): string => {
  try {
    return negotiateLanguage(languagesFromNavigator(navigator), LANGUAGES);
  } catch {
    return 'en';
  }
})();
const t = (key: TextKey, values?: Readonly<Record<string, string | number>>): string => formatText(lang, key, values);

// What the status line and the chosen-input labels say, kept as functions so a change of language re-renders them.
let statusText: () => string = () => '';
let bundleText: () => string = () => t('page.nothing');
let trustText: () => string = () => t('page.nothing');
const say = (text: () => string, kind: 'info' | 'error' = 'info'): void => {
  statusText = text;
  status.textContent = text();
  status.className = kind;
};
const describeError = (error: unknown): (() => string) => {
  const text = errorText(error);
  return () => text;
};
const errorText = (error: unknown): string =>
  isEvidenceBundleError(error) ? `${error.code}: ${escapeForDisplay(error.message)}` : escapeForDisplay(error instanceof Error ? error.message : String(error));
const ready = (): void => {
  verifyButton.disabled = bundle === undefined || trustFiles.length === 0;
};

// One bundle at a time: choosing a file clears the folder chosen before, and the other way round.
const fileInput = $<HTMLInputElement>('bundle-file');
const folderInput = $<HTMLInputElement>('bundle-folder');

function setBundleFile(file: File): void {
  folderInput.value = '';
  // The ZIP reader hashes its entries itself: it is given the fast backend too.
  bundle = async () => openBundleFile(file, await backend, await workerOptions());
  bundleLabel = file.name;
  bundleText = () => escapeForDisplay(file.name);
  bundleName.textContent = bundleText();
  ready();
}

function setBundleFolder(name: string, files: Map<string, File>): void {
  fileInput.value = '';
  bundle = async () => openBundleFolder(name, files, await workerOptions());
  bundleLabel = `${name}/`;
  bundleText = () => t('page.folder-files', { name: escapeForDisplay(name), count: files.size });
  bundleName.textContent = bundleText();
  ready();
}

function setTrust(files: File[]): void {
  trustFiles = files;
  trustText = () => (files.length === 0 ? t('page.nothing') : files.map((f) => escapeForDisplay(f.name)).join(', '));
  trustName.textContent = trustText();
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
    say(() => t('page.reading-trust'));
    const trust = await readTrustFiles(trustFiles);
    say(() => t('page.opening'));
    const opened = await bundle();
    const total = await payloadBytes(opened);
    let hashed = 0;
    progress.max = Math.max(total, 1);
    progress.value = 0;
    progress.hidden = false;
    const started = performance.now();
    say(() => t('page.verifying'));
    const fast = await backend;
    // What the validator has counted (whole files) and what the worker has hashed of the files in progress.
    let shown = 0;
    const showProgress = (): void => {
      const now = performance.now();
      if (now - shown < 100 && hashed + hashing < total) return;
      shown = now;
      const done = Math.min(hashed + hashing, total);
      progress.value = Math.min(done, progress.max);
      statusText = () => t('page.hashing', { done: formatBytes(done), total: formatBytes(total) });
      status.textContent = statusText();
    };
    hashing = 0;
    workerHashed = false;
    onHashing = showProgress;
    const report = await verifyBundle(opened.source, {
      policy: trust.policy,
      ...(fast === undefined ? {} : { backend: fast }),
      onProgress: (bytes) => {
        hashed = bytes;
        showProgress();
      },
    }).finally(() => (onHashing = () => undefined));
    const seconds = (performance.now() - started) / 1000;
    const usedWorker = workerHashed;
    progress.hidden = true;
    last = { report, bundle: bundleLabel, form: opened.form, trust: trust.from };
    show();
    say(() =>
      fast === undefined
        ? t('page.verified', { seconds: formatDecimal(seconds, 1, lang), hashed: formatBytes(hashed) })
        : t('page.verified-with', { seconds: formatDecimal(seconds, 1, lang), hashed: formatBytes(hashed), backend: usedWorker ? `${fast.name} + worker` : fast.name }),
    );
    document.body.dataset['done'] = report.outcome;
  } catch (error) {
    progress.hidden = true;
    // Not a verdict: the input could not be opened as a bundle, or the trust material is unusable.
    const text = errorText(error);
    say(() => t('page.no-verification', { error: text }), 'error');
    document.body.dataset['done'] = isEvidenceBundleError(error) ? error.code : 'error';
  } finally {
    ready();
  }
}

function show(): void {
  if (last === undefined) return;
  const from = last.trust;
  // The policy file's name is the user's, escaped by renderReport with the rest of the context.
  const trust = 'policy' in from ? t('page.trust-policy', { name: from.policy }) : t('page.trust-keys', { count: from.keys });
  result.replaceChildren(renderReport(last.report, { document, lang, context: { bundle: last.bundle, form: last.form, trust } }));
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
  return `${i === 0 ? formatNumber(v, lang) : formatDecimal(v, 1, lang)} ${units[i]}`;
}

const langSelect = $<HTMLSelectElement>('lang');
for (const tag of LANGUAGES) {
  const option = document.createElement('option');
  option.value = tag;
  // Each language by its own name, so a reader finds theirs whatever the page speaks now.
  option.textContent = messages(tag).name;
  option.lang = tag;
  langSelect.append(option);
}

/** Puts the page in `lang`: the document's lang and direction, every fixed label, the status line and the report. */
function applyLanguage(): void {
  const catalog = messages(lang);
  document.documentElement.lang = catalog.lang;
  document.documentElement.dir = catalog.dir;
  langSelect.value = catalog.lang;
  document.title = t('page.title');
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('[data-text]'))) node.textContent = t(node.dataset['text'] as TextKey);
  status.textContent = statusText();
  bundleName.textContent = bundleText();
  trustName.textContent = trustText();
  // The report already verified is rendered again from the same object: nothing is read or hashed twice.
  show();
}

langSelect.addEventListener('change', () => {
  lang = langSelect.value;
  applyLanguage();
});
$<HTMLButtonElement>('print').addEventListener('click', () => window.print());
applyLanguage();
