import type { CommandEntry } from '../views/command-list.js';
import { type DownloadEntry, downloadsOf } from '../views/download-list.js';

/** Programs that run the file named by their first argument. */
const RUNNERS = new Set([
  'sh',
  'bash',
  'dash',
  'ash',
  'zsh',
  'ksh',
  'source',
  '.',
  'python',
  'python2',
  'python3',
  'perl',
  'php',
  'ruby',
  'node',
]);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Name the file a download is saved as, or `` for standard output. */
function savedName(download: DownloadEntry): string {
  if (download.output === '-') return '';
  if (download.output !== '') return download.output;
  const path = download.url.split(/[?#]/)[0] ?? '';
  return basename(path);
}

function sameFile(word: string, saved: string): boolean {
  if (word === saved) return true;
  const name = basename(saved);
  return name !== '' && (word === `./${name}` || basename(word) === name);
}

/**
 * Find the first download that a later command of the same script runs:
 * as the program itself (`./x`, `/tmp/x`) or as the script that a shell
 * or an interpreter reads (`sh x.sh`). Downloads to standard output are
 * ignored here; piping them into a shell is visible as `pipedTo`.
 */
export function downloadRunLater(
  commands: CommandEntry[],
): DownloadEntry | undefined {
  for (const [i, command] of commands.entries()) {
    for (const download of downloadsOf([command])) {
      const saved = savedName(download);
      if (saved === '') continue;
      for (const later of commands.slice(i + 1)) {
        const program = later.argv[0] ?? '';
        const script = RUNNERS.has(later.name) ? later.argv[1] : undefined;
        if (program.includes('/') && sameFile(program, saved)) return download;
        if (script !== undefined && sameFile(script, saved)) return download;
      }
    }
  }
  return undefined;
}
