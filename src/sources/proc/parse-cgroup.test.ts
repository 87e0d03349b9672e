import { describe, expect, it } from 'vitest';
import { parseCgroup } from './parse-cgroup.js';

const ID = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const UID = '5f0c2a9e-3b7d-4c1e-8a6f-2d9b0e4c7a31';

describe('parseCgroup', () => {
  const cases: Array<[string, string, string | undefined, string | undefined]> =
    [
      [
        'docker v1',
        `12:memory:/docker/${ID}\n1:cpu:/docker/${ID}`,
        'docker',
        undefined,
      ],
      [
        'docker systemd v2',
        `0::/system.slice/docker-${ID}.scope`,
        'docker',
        undefined,
      ],
      [
        'containerd in a kubepods slice',
        `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`,
        'containerd',
        UID,
      ],
      [
        'cri-o in a burstable slice',
        `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/crio-${ID}.scope`,
        'cri-o',
        UID,
      ],
      [
        'podman cgroupfs v1',
        `4:memory:/libpod_parent/libpod-${ID}\n0::/`,
        'podman',
        undefined,
      ],
      [
        'podman systemd',
        `0::/machine.slice/libpod-${ID}.scope/container`,
        'podman',
        undefined,
      ],
      [
        'kubepods cgroupfs',
        `5:cpuset:/kubepods/burstable/pod${UID}/${ID}`,
        'kubepods',
        UID,
      ],
    ];
  for (const [name, text, runtime, podUid] of cases) {
    it(`reads ${name}`, () => {
      expect(parseCgroup(text)).toEqual({ containerId: ID, runtime, podUid });
    });
  }

  it('finds no container on the host', () => {
    const text = '9:name=systemd:/\n4:memory:/user.slice\n0::/init.scope';
    expect(parseCgroup(text)).toEqual({
      containerId: undefined,
      runtime: undefined,
      podUid: undefined,
    });
  });

  it('ignores a short id', () => {
    expect(parseCgroup('0::/docker/abc123').containerId).toBeUndefined();
  });
});
