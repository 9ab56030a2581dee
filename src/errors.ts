// One error hierarchy. Every error the user can see carries an exit code and a fix-it hint;
// provider errors carry a kind, a retryable flag and the time to wait.
import type { ErrorKind, ErrorScope } from './types.js';

export const EXIT = { ok: 0, failed: 1, bad_input: 2, blocked: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where in a file the problem is. Lines and columns are 1-based. */
export interface SourcePlace {
  file?: string;
  line?: number;
  column?: number;
  /** dotted path of the field, e.g. steps[1].prompt */
  field?: string;
}

export abstract class PortaiError extends Error {
  abstract readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly place?: SourcePlace;

  constructor(message: string, options: { hint?: string; place?: SourcePlace; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.place = options.place;
  }

  /** The one or two lines the user sees. */
  userLines(): string[] {
    const where = formatPlace(this.place);
    const first = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? [first, `  fix: ${this.hint}`] : [first];
  }
}

export function formatPlace(place?: SourcePlace): string {
  if (!place) return '';
  let text = place.file ?? '';
  if (place.file && place.line) text += `:${place.line}${place.column ? `:${place.column}` : ''}`;
  if (place.field) text += text ? ` (${place.field})` : place.field;
  return text;
}

/** Exit 2: usage, skill file, config file, template, input values, missing key. Nothing was sent. */
export class BadInputError extends PortaiError {
  readonly exitCode = EXIT.bad_input;
}

/** Exit 3: every candidate was rejected by a guard, so nothing was sent for the step. */
export class BlockedError extends PortaiError {
  readonly exitCode = EXIT.blocked;
}

/** Exit 1: at least one request was sent for the step and every one failed. */
export class RunFailedError extends PortaiError {
  readonly exitCode = EXIT.failed;
}

export interface ProviderErrorInit {
  kind: ErrorKind;
  message: string;
  provider: string;
  status?: number;
  code?: string;
  retryable?: boolean;
  /** seconds to wait before the same request may be tried again */
  retry_after_s?: number;
  /** when a quota block ends, epoch ms */
  reset_at_ms?: number;
  scope?: ErrorScope;
  hint?: string;
  /** extra facts from the body, e.g. OpenRouter's limit_source or provider_name */
  detail?: Record<string, string>;
  /** false only when the request certainly never left this machine (DNS, refused, connect timeout, TLS handshake) */
  reached?: boolean;
}

/** A failed request, classified. The message is the provider's own (never containing our key). */
export class ProviderError extends Error {
  readonly kind: ErrorKind;
  readonly provider: string;
  readonly status?: number;
  readonly code?: string;
  readonly retryable: boolean;
  readonly retry_after_s?: number;
  readonly reset_at_ms?: number;
  readonly scope: ErrorScope;
  readonly hint?: string;
  readonly detail: Record<string, string>;
  /** whether the provider may have seen the request: it then counts against quota, as the provider counts it */
  readonly reached: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable ?? DEFAULT_RETRYABLE.has(init.kind);
    this.retry_after_s = init.retry_after_s;
    this.reset_at_ms = init.reset_at_ms;
    this.scope = init.scope ?? 'none';
    this.hint = init.hint;
    this.detail = init.detail ?? {};
    this.reached = init.reached ?? true;
  }
}

/** Worth trying the same model again after a wait. Quota, gone, auth, payment and bad requests are not. */
const DEFAULT_RETRYABLE: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['rate_limited', 'overloaded', 'timeout', 'network']);
