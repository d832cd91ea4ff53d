import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestIssue } from './ManifestError.js';
import {
  admitManifests,
  decodeManifests,
  type DecodedManifest,
  type LoadedManifests,
  type LoadOptions,
} from './parseManifests.js';

/** The source name that stands for standard input. */
export const STDIN_SOURCE = '-';
/** How standard input is named in issues and origins. */
export const STDIN_FILE_NAME = '<stdin>';
/** The extensions a folder's files need to be read as manifests. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.json', '.yaml', '.yml'];

/** Options for {@link loadManifests}. */
export interface LoadManifestsOptions extends LoadOptions {
  /** Reads standard input for the source `-` (defaults to reading `process.stdin` to its end). */
  readonly readStdin?: () => Promise<string>;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function hasManifestExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** Byte-order comparison, so the order never depends on the machine's locale. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Manifest files under `folder`, recursively, in sorted order; symlink loops are cut. */
async function listFolder(folder: string, visited: Set<string>): Promise<string[]> {
  const real = await realpath(folder);
  if (visited.has(real)) return [];
  visited.add(real);
  const names = (await readdir(folder)).sort(byName);
  const files: string[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) continue;
    if (info.isDirectory()) files.push(...(await listFolder(path, visited)));
    else if (info.isFile() && hasManifestExtension(name)) files.push(path);
  }
  return files;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  return `cannot read: ${(error as Error).message}`;
}

/**
 * Loads manifests from files, folders and standard input (`-`) as one load.
 *
 * - A folder is read recursively; its `.yaml`, `.yml` and `.json` files are read in sorted
 *   path order, so a load is deterministic. A file named directly is read whatever its name.
 * - Each file may hold several YAML documents (`---`), JSON, and `List` or `*List` documents,
 *   whose items are flattened. Empty documents are ignored.
 * - Kinds knsim does not model (ConfigMap, Secret, custom resources...) are skipped with one
 *   warning each. Supported kinds must use the apiVersion Kubernetes serves them at.
 * - Every object is validated as the API server would; an object named twice (same kind,
 *   namespace and name) is an error that names both places.
 * - Valid objects get the API server's defaults (see `applyDefaults`).
 *
 * All errors of the load are collected and thrown together as one `ManifestError` (issues
 * carry the file, the 1-based document number, the List item, line and column where known, the
 * object, the field path and the reason). On success, returns the objects with their origins and
 * the warnings.
 */
export async function loadManifests(
  sources: readonly string[],
  options: LoadManifestsOptions = {},
): Promise<LoadedManifests> {
  const issues: ManifestIssue[] = [];
  const decoded: DecodedManifest[] = [];
  const readFiles = new Set<string>();
  const visitedFolders = new Set<string>();
  let stdinRead = false;

  const readOne = async (path: string): Promise<void> => {
    const real = await realpath(path).catch(() => path);
    if (readFiles.has(real)) return;
    readFiles.add(real);
    try {
      decoded.push(...decodeManifests(await readFile(path, 'utf8'), path, issues));
    } catch (error) {
      issues.push({ severity: 'error', file: path, reason: describeFsError(error) });
    }
  };

  for (const source of sources) {
    if (source === STDIN_SOURCE) {
      if (stdinRead) continue;
      stdinRead = true;
      const text = await (options.readStdin ?? readProcessStdin)();
      decoded.push(...decodeManifests(text, STDIN_FILE_NAME, issues));
      continue;
    }
    let info;
    try {
      info = await stat(source);
    } catch (error) {
      issues.push({ severity: 'error', file: source, reason: describeFsError(error) });
      continue;
    }
    if (info.isDirectory()) {
      const files = await listFolder(source, visitedFolders);
      if (files.length === 0) {
        issues.push({
          severity: 'warning',
          file: source,
          reason: `no ${MANIFEST_EXTENSIONS.join(', ')} files in this folder`,
        });
      }
      for (const file of files) await readOne(file);
    } else {
      await readOne(source);
    }
  }
  return admitManifests(decoded, issues, options);
}
