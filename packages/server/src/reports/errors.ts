/** Renames the neutral fields of submission errors to an API's own parameter names. */
import { ValidationError } from '../core/errors.js';

export async function renameSubmissionErrors<T>(
  work: Promise<T>,
  names: { category: string; location: string; attribute?: (code: string) => string },
): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof ValidationError) || !err.errors) throw err;
    const errors = err.errors.map((e) => {
      let path = e.path;
      if (path === 'category') path = names.category;
      else if (path === 'location') path = names.location;
      else if (path.startsWith('attributes.') && names.attribute)
        path = names.attribute(path.slice('attributes.'.length));
      return { path, message: e.message };
    });
    throw new ValidationError(errors, `${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}
