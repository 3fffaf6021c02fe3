/** Every error the SDK throws for bad input is a QtmError with an actionable message. */
export class QtmError extends Error {
  override name = 'QtmError';
}

/** A JSON-RPC error returned by the node (code, message and data as the node sent them). */
export class QtmRpcError extends QtmError {
  override name = 'QtmRpcError';
  constructor(
    message: string,
    readonly code: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
