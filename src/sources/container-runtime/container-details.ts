import { z } from 'zod';
import { type PodRef, UNKNOWN, type Unknown } from '../event.js';

/** What inspecting a container showed, in the agent's terms. */
export interface ContainerDetails {
  id: string;
  name: string;
  image: string;
  privileged: boolean;
  capAdd: string[];
  binds: string[];
  pidMode: string;
  networkMode: string;
  ipcMode: string;
  user: string;
  command: string[];
  pod: PodRef | Unknown;
  /** The runtime's container name, such as k8s_web_web-7d4b… or demo. */
  runtimeName: string;
  running: boolean;
}

const strings = z.array(z.string()).nullish();

const inspectSchema = z.object({
  Id: z.string().regex(/^[0-9a-f]{64}$/),
  Name: z.string().optional(),
  Image: z.string().optional(),
  State: z.object({ Running: z.boolean().optional() }).partial().optional(),
  Config: z
    .object({
      Image: z.string().optional(),
      User: z.string().optional(),
      Cmd: strings,
      Entrypoint: z.union([strings, z.string()]).optional(),
      Labels: z.record(z.string(), z.string()).nullish(),
    })
    .partial()
    .optional(),
  HostConfig: z
    .object({
      Privileged: z.boolean().optional(),
      CapAdd: strings,
      Binds: strings,
      PidMode: z.string().optional(),
      NetworkMode: z.string().optional(),
      IpcMode: z.string().optional(),
    })
    .partial()
    .optional(),
});

const POD_LABELS = {
  name: 'io.kubernetes.pod.name',
  namespace: 'io.kubernetes.pod.namespace',
  uid: 'io.kubernetes.pod.uid',
  container: 'io.kubernetes.container.name',
};

function list(value: string[] | null | undefined, max = 256): string[] {
  return (value ?? []).slice(0, max).map((item) => item.slice(0, 4096));
}

/**
 * Maps a `/containers/ID/json` answer to container details. Pod fields
 * come from the labels that the kubelet's runtime sets
 * (`io.kubernetes.pod.name`, `…namespace`, `…uid`); without them the pod
 * is `unknown`. The container's name is `io.kubernetes.container.name`
 * when set, else the runtime's name without its leading `/`. Throws a
 * ZodError when the answer lacks a 64-hex `Id`.
 */
export function containerDetailsOf(inspect: unknown): ContainerDetails {
  const data = inspectSchema.parse(inspect);
  const labels = data.Config?.Labels ?? {};
  const runtimeName = (data.Name ?? '').replace(/^\//, '');
  const podName = labels[POD_LABELS.name];
  const namespace = labels[POD_LABELS.namespace];
  const pod: PodRef | Unknown =
    podName && namespace
      ? {
          name: podName,
          namespace,
          uid: labels[POD_LABELS.uid] ?? UNKNOWN,
          labels: {},
        }
      : UNKNOWN;
  const entrypoint = data.Config?.Entrypoint;
  const command = [
    ...(typeof entrypoint === 'string' ? [entrypoint] : list(entrypoint)),
    ...list(data.Config?.Cmd),
  ];
  const host = data.HostConfig ?? {};
  return {
    id: data.Id,
    name: labels[POD_LABELS.container] ?? runtimeName,
    image: data.Config?.Image ?? data.Image ?? UNKNOWN,
    privileged: host.Privileged ?? false,
    capAdd: list(host.CapAdd),
    binds: list(host.Binds),
    pidMode: host.PidMode ?? '',
    networkMode: host.NetworkMode ?? '',
    ipcMode: host.IpcMode ?? '',
    user: data.Config?.User ?? '',
    command,
    pod,
    runtimeName,
    running: data.State?.Running ?? false,
  };
}
