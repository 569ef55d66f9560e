/** The one API client of a browser app. */
import { ApiClient } from './client';
import { createApi } from './endpoints';

export const api = createApi(new ApiClient());

export { ApiError, isAbort } from './errors';
export { TooLargeError } from './client';
export type * from './endpoints';
