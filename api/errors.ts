import type { ErrorRequestHandler, RequestHandler } from 'express';

/** An error the caller can act on: an HTTP status, a machine-readable code, a message that says
 * what is wrong and where, and optional details (e.g. every problem of a record). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const unauthenticated = (message: string) => new AppError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (message: string) => new AppError(404, 'not_found', message);
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const unprocessable = (message: string, details?: unknown) =>
  new AppError(422, 'invalid_record', message, details);

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(notFound(`no route ${req.method} ${req.path}`));
};

/** One place turns errors into `{ error: { code, message, details } }`. Unknown errors become a
 * 500 that leaks nothing, logged once with the request id only. */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    // express.json() reports malformed bodies with a status and type
    if (error && typeof error === 'object' && (error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: `the request body is not valid JSON: ${(error as Error).message}` } });
      return;
    }
    if (error && typeof error === 'object' && (error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: 'the request body is too large' } });
      return;
    }
    log(`error on ${req.method} ${req.route?.path ?? req.path}: ${error instanceof Error ? error.stack : String(error)}`);
    res.status(500).json({ error: { code: 'internal', message: 'internal error; the server log has the details' } });
  };
}
