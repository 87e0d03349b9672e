/**
 * Returns why `value` is not an absolute http:// or https:// URL, or
 * undefined when it is one. The reason quotes the value.
 */
export function httpUrlProblem(value: string): string | undefined {
  const quoted = JSON.stringify(value);
  if (!/^https?:\/\//i.test(value)) {
    return `${quoted} is not an absolute http:// or https:// URL, such as https://vigil.example.com:8443`;
  }
  // WHATWG URL parsing rejects an http(s) URL without a host.
  if (!URL.canParse(value)) return `${quoted} is not a valid URL`;
  return undefined;
}
