import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, opendir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ContainerRef,
  FileEvent,
  PodRef,
  ProcessInfo,
  Unknown,
} from '../event.js';
import {
  matchSignatures,
  normalizeContent,
  type WebshellSignature,
} from './webshell-signatures.js';

/** Limits and attribution of one scan. */
export interface WebRootScanOptions {
  signatures: readonly WebshellSignature[];
  cluster: string;
  node: string;
  container?: ContainerRef | Unknown;
  pod?: PodRef | Unknown;
  /** Directory levels below a root that are entered; 16 by default. */
  maxDepth?: number;
  /** Files read across all roots before the scan stops; 20,000 by default. */
  maxFiles?: number;
  /** Bytes read of each file, from its start; 1 MiB by default. */
  maxFileBytes?: number;
  /** Clock for the events' time; Date.now by default. */
  now?: () => number;
}

/** A path the scan could not use, and why. */
export interface WebRootProblem {
  path: string;
  reason: string;
}

/** The findings of one scan, and the files it left out. */
export interface WebRootScanResult {
  /** One `content-match` file event per file that matched a signature. */
  events: FileEvent[];
  problems: WebRootProblem[];
  filesScanned: number;
  /** Symbolic links met; they are never followed. */
  symlinksSkipped: number;
  /** Files longer than maxFileBytes, of which only the start was read. */
  filesCut: number;
  /** True when maxFiles or maxDepth stopped the walk somewhere. */
  limitReached: boolean;
}

/**
 * The process field of scan events: no process is known to have written
 * the file, so only `uid` is set, to the file owner's.
 */
const SCANNER_PROCESS: ProcessInfo = {
  pid: 0,
  ppid: 0,
  exe: 'unknown',
  name: 'unknown',
  argv: [],
  cwd: '/',
  uid: 0,
  auid: 4294967295,
  ancestors: [],
};

/**
 * Walk web root directories and match every regular file's content
 * against web shell signatures, returning a file event with operation
 * `content-match` and the matched signature names for each match.
 * Symbolic links are never followed, so the walk cannot leave a root.
 * Each file is opened with O_NOFOLLOW and checked to be a regular file
 * after opening, so a path swapped for a link or a FIFO is not read.
 * Depth, file count and bytes per file are bounded. Unreadable paths are
 * reported as problems and the walk goes on.
 */
export async function scanWebRoot(
  roots: readonly string[],
  options: WebRootScanOptions,
): Promise<WebRootScanResult> {
  const result: WebRootScanResult = {
    events: [],
    problems: [],
    filesScanned: 0,
    symlinksSkipped: 0,
    filesCut: 0,
    limitReached: false,
  };
  const maxDepth = options.maxDepth ?? 16;
  const maxFiles = options.maxFiles ?? 20_000;

  for (const root of roots) {
    let start: string;
    try {
      // The root itself may be a link, as /var/www/html often is.
      start = await realpath(root);
    } catch (error) {
      result.problems.push({ path: root, reason: reasonOf(error) });
      continue;
    }
    const stack: { dir: string; depth: number }[] = [{ dir: start, depth: 0 }];
    while (stack.length > 0) {
      const { dir, depth } = stack.pop() as { dir: string; depth: number };
      let entries: Awaited<ReturnType<typeof opendir>>;
      try {
        entries = await opendir(dir);
      } catch (error) {
        result.problems.push({ path: dir, reason: reasonOf(error) });
        continue;
      }
      for await (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isSymbolicLink()) {
          result.symlinksSkipped++;
        } else if (entry.isDirectory()) {
          if (depth < maxDepth) stack.push({ dir: path, depth: depth + 1 });
          else result.limitReached = true;
        } else if (entry.isFile()) {
          if (result.filesScanned >= maxFiles) {
            result.limitReached = true;
            break;
          }
          result.filesScanned++;
          await scanFile(path, options, result);
        }
      }
      if (result.filesScanned >= maxFiles && result.limitReached) break;
    }
  }
  return result;
}

async function scanFile(
  path: string,
  options: WebRootScanOptions,
  result: WebRootScanResult,
): Promise<void> {
  const maxBytes = options.maxFileBytes ?? 1024 * 1024;
  let handle: FileHandle | undefined;
  try {
    handle = await open(
      path,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
    const stat = await handle.stat();
    if (!stat.isFile()) return;
    const length = Math.min(stat.size, maxBytes);
    if (stat.size > maxBytes) result.filesCut++;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    // latin1 maps each byte to one character, so no byte is lost.
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    const matched = matchSignatures(normalizeContent(text), options.signatures);
    if (matched.length === 0) return;
    result.events.push(
      contentMatchEvent(path, stat.uid, stat.mtimeMs, matched, options),
    );
  } catch (error) {
    result.problems.push({ path, reason: reasonOf(error) });
  } finally {
    await handle?.close();
  }
}

function contentMatchEvent(
  path: string,
  uid: number,
  mtimeMs: number,
  matched: string[],
  options: WebRootScanOptions,
): FileEvent {
  const timeMs = (options.now ?? Date.now)();
  const digest = createHash('sha256')
    .update(`${options.node}\u0000${path}\u0000${mtimeMs}`)
    .digest('hex')
    .slice(0, 32);
  return {
    id: `web-root-${digest}`,
    kind: 'file',
    time: new Date(timeMs).toISOString(),
    timeMs,
    cluster: options.cluster,
    node: options.node,
    container: options.container ?? 'unknown',
    pod: options.pod ?? 'unknown',
    origin: { format: 'web-root-scan', file: path },
    truncated: false,
    process: { ...SCANNER_PROCESS, uid },
    file: { path, operation: 'content-match', contentMatch: matched },
  };
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'is a symbolic link; not followed';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  return (error as Error).message;
}
