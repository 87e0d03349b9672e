import { describe, expect, it } from 'vitest';
import {
  isRuntimeInit,
  RUNTIME_EXEC_WINDOW_MS,
  RuntimeExecs,
  runtimeExecContainer,
} from './runtime-exec.js';

const ID = '9d85ce2682a7b9f8b1bd14b4b2de097a7161f8639d666d9e24c1709fd81defb8';
const SESSION =
  '87bc3bdaff492d0de8e4125ca8399273214cf81e49335fd27ce92d808a427ffc';
const USERDATA = `/var/lib/containers/storage/overlay-containers/${ID}/userdata/${SESSION}`;

describe('runtimeExecContainer', () => {
  it('reads the container of podman exec', () => {
    // The command line that Podman 4 with runc logged for `podman exec`.
    const argv = [
      '/usr/bin/runc',
      '--log-format=json',
      '--log',
      `${USERDATA}/oci-log`,
      'exec',
      '--pid-file',
      `${USERDATA}/exec_pid`,
      '--process',
      `${USERDATA}/exec-process-4013111874`,
      '--detach',
      ID,
    ];
    expect(runtimeExecContainer({ exe: '/usr/sbin/runc', argv })).toBe(ID);
  });

  it('reads the container before the command', () => {
    const argv = ['crun', '--root', '/run/crun', 'exec', '-t', ID, 'sh'];
    const other = 'f'.repeat(64);
    expect(
      runtimeExecContainer({ exe: '/usr/bin/crun', argv: [...argv, other] }),
    ).toBe(ID);
  });

  it('ignores other subcommands', () => {
    const argv = ['runc', '--root', '/run/runc', 'run', '--bundle', '/b', ID];
    expect(runtimeExecContainer({ exe: '/usr/sbin/runc', argv })).toBe(
      undefined,
    );
  });

  it('ignores other programs', () => {
    const argv = ['runc', 'exec', ID];
    expect(runtimeExecContainer({ exe: '/usr/bin/python3', argv })).toBe(
      undefined,
    );
  });

  it('ignores an exec without a full id', () => {
    const argv = ['runc', 'exec', 'web', 'sh'];
    expect(runtimeExecContainer({ exe: '/usr/sbin/runc', argv })).toBe(
      undefined,
    );
  });
});

describe('isRuntimeInit', () => {
  it('recognizes runc init from a sealed copy', () => {
    const program = { exe: '/', argv: ['/usr/bin/runc', 'init'] };
    expect(isRuntimeInit(program)).toBe(true);
  });

  it('rejects a command named init', () => {
    const program = { exe: '/sbin/init', argv: ['/sbin/init', 'init'] };
    expect(isRuntimeInit(program)).toBe(false);
  });
});

describe('RuntimeExecs', () => {
  it('names the container within the window', () => {
    const execs = new RuntimeExecs();
    execs.remember(100, 90, ID, 1_000);
    expect(execs.containerOf(100, 1_000)).toBe(ID);
    expect(execs.containerOf(100, 1_000 + RUNTIME_EXEC_WINDOW_MS)).toBe(ID);
  });

  it('names nothing outside the window', () => {
    const execs = new RuntimeExecs();
    execs.remember(100, 90, ID, 10_000);
    expect(
      execs.containerOf(100, 10_001 + RUNTIME_EXEC_WINDOW_MS),
    ).toBeUndefined();
    expect(execs.containerOf(100, 9_999)).toBeUndefined();
  });

  it('names nothing for another parent', () => {
    const execs = new RuntimeExecs();
    execs.remember(100, 90, ID, 1_000);
    expect(execs.containerOf(101, 1_000)).toBeUndefined();
  });

  it('names the container for a child of the runtime parent', () => {
    const execs = new RuntimeExecs();
    execs.remember(100, 90, ID, 1_000);
    expect(execs.containerOfParent(90, 1_200)).toBe(ID);
    expect(execs.containerOfParent(100, 1_200)).toBeUndefined();
    expect(
      execs.containerOfParent(90, 1_001 + RUNTIME_EXEC_WINDOW_MS),
    ).toBeUndefined();
  });

  it('never names init for a runtime parent', () => {
    const execs = new RuntimeExecs();
    execs.remember(100, 1, ID, 1_000);
    expect(execs.containerOfParent(1, 1_000)).toBeUndefined();
  });
});
