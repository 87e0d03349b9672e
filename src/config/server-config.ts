import { z } from 'zod';
import { SERVER_SETTINGS } from './server-settings.js';

const shape = Object.fromEntries(
  Object.entries(SERVER_SETTINGS).map(([name, setting]) => [
    name,
    setting.schema,
  ]),
) as {
  [K in keyof typeof SERVER_SETTINGS]: (typeof SERVER_SETTINGS)[K]['schema'];
};

/** The schema of the whole configuration; unknown keys are rejected. */
export const serverConfigSchema = z
  .strictObject(shape)
  .refine(
    (config) =>
      (config.tlsCert === undefined) === (config.tlsKey === undefined),
    {
      message:
        'tlsCert and tlsKey must be set together; set both to serve HTTPS or neither',
      path: ['tlsKey'],
    },
  )
  .refine(
    (config) => config.clientCa === undefined || config.tlsCert !== undefined,
    {
      message: 'clientCa needs HTTPS; set tlsCert and tlsKey as well',
      path: ['clientCa'],
    },
  );

/** The validated configuration of `vigil serve`. */
export type ServerConfig = z.infer<typeof serverConfigSchema> & {
  /** From VIGIL_ADMIN_TOKEN only, so that it never appears in `ps`. */
  adminToken: string | undefined;
};
