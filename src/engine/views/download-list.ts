import type { CommandEntry } from './command-list.js';

/** One remote file that a command fetches. */
export interface DownloadEntry {
  /** The command that fetches it: curl, wget, python3… */
  tool: string;
  url: string;
  /** Host name or address, lower case, IPv6 without brackets. */
  host: string;
  /** The port, explicit or the scheme's default, as text. */
  port: string;
  /**
   * Where the file goes: a path, `-` for standard output, or `` when the
   * tool saves it under its remote name in the working directory.
   */
  output: string;
  /** The command the download is piped into, or ``. */
  pipedTo: string;
}

/** Programs whose URL arguments are downloads. */
export const DOWNLOAD_TOOLS = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'axel',
  'lwp-download',
  'python',
  'python2',
  'python3',
  'perl',
  'php',
  'ruby',
]);

const INTERPRETERS = new Set([
  'python',
  'python2',
  'python3',
  'perl',
  'php',
  'ruby',
]);

const DEFAULT_PORTS: Record<string, string> = {
  http: '80',
  https: '443',
  ftp: '21',
  tftp: '69',
};

// Linear: one character class repeated once, no nesting.
const URL_PATTERN = /\b(?:https?|ftps?|tftp):\/\/[^\s'"<>|;`)]+/gi;
const BARE_HOST = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?\//;

/** List the URLs that download commands fetch, with host and output. */
export function downloadsOf(commands: CommandEntry[]): DownloadEntry[] {
  const out: DownloadEntry[] = [];
  for (const command of commands) {
    if (!DOWNLOAD_TOOLS.has(command.name)) continue;
    const output = outputOf(command);
    for (const url of urlsOf(command)) {
      const parsed = parseUrl(url);
      if (!parsed) continue;
      out.push({
        tool: command.name,
        ...parsed,
        output,
        pipedTo: command.pipedTo,
      });
      if (out.length >= 64) return out;
    }
  }
  return out;
}

function urlsOf(command: CommandEntry): string[] {
  const urls: string[] = [];
  const interpreter = INTERPRETERS.has(command.name);
  for (const word of command.argv.slice(1)) {
    for (const match of word.matchAll(URL_PATTERN)) urls.push(match[0]);
    // curl and wget accept a URL without its scheme; interpreters do not.
    if (!interpreter && BARE_HOST.test(word)) urls.push(`http://${word}`);
  }
  return urls;
}

function parseUrl(text: string) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host) return undefined;
  return { url: text, host, port: url.port || DEFAULT_PORTS[scheme] || '' };
}

/** The output path that curl's `-o` or wget's `-O` and `-P` name. */
function outputOf(command: CommandEntry): string {
  const wget = command.name === 'wget';
  const letter = wget ? 'O' : 'o';
  let output = wget ? '' : '-';
  const { argv } = command;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    const long = /^--(output|output-document|directory-prefix)(=(.*))?$/.exec(
      arg,
    );
    if (long) {
      output = long[3] ?? argv[i + 1] ?? '';
      continue;
    }
    if (!/^-[A-Za-z]/.test(arg) || arg.startsWith('--')) continue;
    if (!wget && /^-[A-Za-z]*O$/.test(arg) && !arg.includes('o')) {
      output = '';
      continue;
    }
    const at = arg.indexOf(letter, 1);
    const prefix = wget ? arg.indexOf('P', 1) : -1;
    const found = at > 0 ? at : prefix;
    if (found < 0) continue;
    const rest = arg.slice(found + 1);
    output = rest.length > 0 ? rest : (argv[i + 1] ?? '');
  }
  return output;
}
