import type { ProcessInfo, VigilEvent } from '../../sources/event.js';
import { splitShellScript } from './split-shell-script.js';

/** One command that a process runs or that its shell script contains. */
export interface CommandEntry {
  /** Base name of the program, such as `curl` for `/usr/bin/curl`. */
  name: string;
  argv: string[];
  /** The arguments joined with spaces. */
  line: string;
  /** The shell operator after it (`|`, `&&`, `;`…), or `` for none. */
  next: string;
  /** The name of the command it pipes its output into, or ``. */
  pipedTo: string;
}

/** Shells whose `-c` argument is a script to split into commands. */
export const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'ash',
  'zsh',
  'ksh',
  'mksh',
  'busybox-sh',
]);

/**
 * Programs that run the rest of their arguments as a command. Each value
 * tests whether a leading argument belongs to the wrapper itself.
 */
const WRAPPERS: Record<string, (word: string) => boolean> = {
  sudo: (w) => w.startsWith('-'),
  doas: (w) => w.startsWith('-'),
  env: (w) => w.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w),
  nohup: (w) => w.startsWith('-'),
  nice: (w) => w.startsWith('-') || /^\d+$/.test(w),
  ionice: (w) => w.startsWith('-') || /^\d+$/.test(w),
  setsid: (w) => w.startsWith('-'),
  stdbuf: (w) => w.startsWith('-'),
  timeout: (w) => w.startsWith('-') || /^\d+(\.\d+)?[smhd]?$/.test(w),
  exec: (w) => w.startsWith('-'),
  command: (w) => w.startsWith('-'),
  busybox: () => false,
  time: (w) => w.startsWith('-'),
};

/** Most commands listed for one event. */
const MAX_ENTRIES = 256;
const MAX_DEPTH = 4;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const cache = new WeakMap<object, CommandEntry[]>();

/**
 * List the commands an event's process runs: the process itself, the
 * commands inside a shell's `-c` script (recursively), and the command
 * that a wrapper such as `nohup`, `env`, `sudo`, `timeout` or `busybox`
 * runs. A process started as `bash -c "curl -s http://x/a | sh"` lists
 * `bash`, `curl` and `sh`. The result is computed once per event.
 */
export function commandsOf(event: VigilEvent): CommandEntry[] {
  const cached = cache.get(event);
  if (cached) return cached;
  const process = processOf(event);
  const entries: CommandEntry[] = [];
  if (process) {
    // Events are hostile input: only string arguments are read.
    const strings = process.argv.filter((a) => typeof a === 'string');
    const argv = strings.length > 0 ? strings : [process.exe];
    addCommand(argv, '', entries, 0);
    const exeName = basename(process.exe);
    const first = entries[0];
    // A renamed or busybox-linked binary shows its own name in argv[0].
    if (first && exeName !== first.name && exeName !== 'unknown') {
      entries.push({ ...first, name: exeName });
    }
  }
  cache.set(event, entries);
  return entries;
}

function processOf(event: VigilEvent): ProcessInfo | undefined {
  return 'process' in event ? event.process : undefined;
}

function addCommand(
  argv: string[],
  next: string,
  entries: CommandEntry[],
  depth: number,
): void {
  if (argv.length === 0 || entries.length >= MAX_ENTRIES) return;
  const name = basename(argv[0] as string);
  entries.push({ name, argv, line: argv.join(' '), next, pipedTo: '' });
  if (depth >= MAX_DEPTH) return;

  const skip = WRAPPERS[name];
  if (skip) {
    let i = 1;
    while (i < argv.length && skip(argv[i] as string)) i++;
    addCommand(argv.slice(i), next, entries, depth + 1);
    return;
  }
  if (!SHELLS.has(name)) return;
  const script = shellScriptOf(argv);
  if (script === undefined) return;
  const commands = splitShellScript(script);
  for (const [i, command] of commands.entries()) {
    const start = entries.length;
    addCommand(command.words, command.next, entries, depth + 1);
    const following = commands[i + 1];
    if (command.next === '|' && following && entries[start]) {
      entries[start].pipedTo = basename(following.words[0] as string);
    }
  }
}

/** Find the script of `sh -c SCRIPT`, also with combined flags (`-ec`). */
function shellScriptOf(argv: string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-o' || arg === '+o' || arg === '-O' || arg === '+O') {
      i++;
      continue;
    }
    if (!/^[-+]/.test(arg) || arg === '--') return undefined;
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg)) return argv[i + 1];
  }
  return undefined;
}
