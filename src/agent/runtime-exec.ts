/**
 * OCI runtimes whose `exec` command starts a process in a running
 * container: the runtime joins the process to the container's namespaces
 * and cgroup before it execs the command. Docker, containerd, CRI-O and
 * Podman all run one of these for `docker exec`, `kubectl exec` and
 * `podman exec`.
 */
const RUNTIMES = new Set(['runc', 'crun', 'youki']);

/** Full container ids, as Docker, containerd, CRI-O and Podman write them. */
const CONTAINER_ID = /^[0-9a-f]{64}$/;

/**
 * Milliseconds after a runtime's exec in which the process it starts is
 * expected. runc starts it within milliseconds, and a parent pid named
 * later may belong to another process by then.
 */
export const RUNTIME_EXEC_WINDOW_MS = 5000;

/** Runtime execs remembered at once; the oldest goes first. */
const MAX_RUNTIME_EXECS = 1024;

/** The executable and command line of an exec event. */
interface ExecedProgram {
  exe: string;
  argv: string[];
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Tests whether the program is one of the OCI runtimes. */
export function isRuntime(program: ExecedProgram): boolean {
  return RUNTIMES.has(basename(program.exe));
}

/**
 * Returns the container id that a runtime's `exec` command names, as in
 * `runc --root /run/runc exec --detach --pid-file F --process P ID`, or
 * undefined for any other program or subcommand. The id is the first
 * argument after `exec` that is a whole 64-hex id. The options of `exec`
 * take paths, user names, capabilities and numbers, never such an id,
 * and the command to run comes after the id.
 */
export function runtimeExecContainer(
  program: ExecedProgram,
): string | undefined {
  if (!isRuntime(program)) return undefined;
  const exec = program.argv.indexOf('exec', 1);
  if (exec === -1) return undefined;
  for (let i = exec + 1; i < program.argv.length; i++) {
    const arg = program.argv[i] as string;
    if (CONTAINER_ID.test(arg)) return arg;
  }
  return undefined;
}

/**
 * Tests for the runtime's own `init` stage (`runc init`), which the
 * runtime starts to enter the container and which is not the command.
 * Its executable may be a sealed copy of the runtime (`/memfd:…`), so the
 * test reads the command line.
 */
export function isRuntimeInit(program: ExecedProgram): boolean {
  const [first, second] = program.argv;
  return (
    second === 'init' && first !== undefined && RUNTIMES.has(basename(first))
  );
}

interface RuntimeExec {
  containerId: string;
  timeMs: number;
}

/**
 * Runtime exec processes seen in the audit log, with the container each
 * one named and the time of its exec, by the runtime's pid and by its
 * parent's pid. runc with `--detach` may exit before the command it
 * starts has exec'd, and the command is then reparented to the runtime's
 * parent: Podman's conmon for the exec session, or the containerd shim.
 */
export class RuntimeExecs {
  private readonly execs = new Map<number, RuntimeExec>();
  private readonly byParent = new Map<number, RuntimeExec>();

  /**
   * Records that `pid`, a child of `parentPid`, is a runtime exec into
   * `containerId`.
   */
  remember(
    pid: number,
    parentPid: number,
    containerId: string,
    timeMs: number,
  ): void {
    const exec = { containerId, timeMs };
    rememberIn(this.execs, pid, exec);
    if (parentPid > 1) rememberIn(this.byParent, parentPid, exec);
  }

  /**
   * Returns the container that the runtime exec `ppid` named, when a
   * process with that parent execs at `timeMs`, within
   * RUNTIME_EXEC_WINDOW_MS of the runtime's own exec.
   */
  containerOf(ppid: number, timeMs: number): string | undefined {
    return withinWindow(this.execs.get(ppid), timeMs);
  }

  /**
   * Returns the container of the latest runtime exec whose parent is
   * `ppid`, within the same window, for a command that its runtime left
   * to that parent.
   */
  containerOfParent(ppid: number, timeMs: number): string | undefined {
    return withinWindow(this.byParent.get(ppid), timeMs);
  }
}

function rememberIn(
  map: Map<number, RuntimeExec>,
  pid: number,
  exec: RuntimeExec,
): void {
  map.delete(pid);
  map.set(pid, exec);
  if (map.size > MAX_RUNTIME_EXECS) {
    map.delete(map.keys().next().value as number);
  }
}

function withinWindow(
  exec: RuntimeExec | undefined,
  timeMs: number,
): string | undefined {
  if (exec === undefined) return undefined;
  const elapsed = timeMs - exec.timeMs;
  if (elapsed < 0 || elapsed > RUNTIME_EXEC_WINDOW_MS) return undefined;
  return exec.containerId;
}
