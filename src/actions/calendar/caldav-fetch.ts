// The fetch tsdav calls: the global fetch, plus the checks tsdav leaves to its caller. tsdav turns a
// refused REPORT into an empty result, which would make "wrong password" look like "no events".
import { RunFailedError } from '../../errors.js';

export interface CaldavFetchOptions {
  /** the collection URL, for messages */
  collection: string;
  /** names of the variables holding the credentials, for the hint (never their values) */
  credentialNames: string[];
  signal?: AbortSignal;
}

export function caldavFetch(options: CaldavFetchOptions): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: options.signal });
    } catch (error) {
      throw new RunFailedError(`calendar: cannot reach ${options.collection} (${reasonOf(error)})`, {
        hint: 'check the caldav: URL and that the server is up',
      });
    }
    if (response.status === 401 || response.status === 403) {
      const names = options.credentialNames.length > 0 ? options.credentialNames.join(' and ') : 'username_env and password_env';
      throw new RunFailedError(`calendar: ${options.collection} refused the credentials (HTTP ${response.status})`, {
        hint: `check the user name and password in ${names}; iCloud and Fastmail need an app password`,
      });
    }
    if ((method === 'REPORT' || method === 'PROPFIND') && response.status !== 207) {
      throw new RunFailedError(`calendar: ${method} ${options.collection} returned HTTP ${response.status}`, {
        hint: 'check that caldav: is the URL of a calendar collection (it usually ends with a slash)',
      });
    }
    return response;
  };
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
