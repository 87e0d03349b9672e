import { isPlainObject, type JsonObject } from './read-fields.js';
import { readPartialJson } from './read-partial-json.js';

/** An audit event decoded from a JSON string inside an export record. */
export interface EmbeddedEvent {
  value: JsonObject;
  /** True when the string was cut and only its leading members remain. */
  cut: boolean;
}

/**
 * Decodes the audit event that AKS (`properties.log`) and CloudWatch
 * (`message`) carry as a JSON string. A string cut mid-JSON is salvaged
 * with `readPartialJson`. Returns the reason as a string when the text is
 * neither a JSON object nor the start of one.
 */
export function parseEmbeddedEvent(
  text: string,
  path: string,
): EmbeddedEvent | string {
  let error: unknown;
  try {
    const value: unknown = JSON.parse(text);
    if (isPlainObject(value)) return { value, cut: false };
    return `invalid ${path}: expected a JSON object`;
  } catch (caught) {
    error = caught;
  }

  const partial = readPartialJson(text);
  if (partial?.cut) return { value: partial.members, cut: true };
  const message = error instanceof Error ? error.message : String(error);
  return `invalid JSON in ${path}: ${message}`;
}
