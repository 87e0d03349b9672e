/**
 * HTTP status codes for google.rpc.Code values, following the mapping in
 * google/rpc/code.proto. GKE audit entries report the request outcome as
 * a gRPC code in `protoPayload.status.code`.
 */
const HTTP_BY_GRPC: readonly number[] = [
  200, // 0 OK
  499, // 1 CANCELLED
  500, // 2 UNKNOWN
  400, // 3 INVALID_ARGUMENT
  504, // 4 DEADLINE_EXCEEDED
  404, // 5 NOT_FOUND
  409, // 6 ALREADY_EXISTS
  403, // 7 PERMISSION_DENIED
  429, // 8 RESOURCE_EXHAUSTED
  400, // 9 FAILED_PRECONDITION
  409, // 10 ABORTED
  400, // 11 OUT_OF_RANGE
  501, // 12 UNIMPLEMENTED
  500, // 13 INTERNAL
  503, // 14 UNAVAILABLE
  500, // 15 DATA_LOSS
  401, // 16 UNAUTHENTICATED
];

/** Maps a gRPC status code to its HTTP status, or undefined if unknown. */
export function httpStatusOfGrpc(code: number): number | undefined {
  return HTTP_BY_GRPC[code];
}
