/** Renames the neutral fields of submission errors to an API's own parameter names. */
import { NotFoundError, ValidationError } from '../core/errors.js';

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

/** A report the caller cannot see (or that does not exist), in English and Vietnamese. */
export function reportNotFound(id: number | string): NotFoundError {
  return new NotFoundError('Report', String(id)).vi(
    `Không tìm thấy phản ánh #${id}, hoặc phản ánh không thuộc phạm vi của bạn.`,
  );
}

/** A photo that is not one of the report's (or not yet public), in English and Vietnamese. */
export function photoNotFound(fileId: string): NotFoundError {
  return new NotFoundError('Photo', fileId).vi(`Không tìm thấy ảnh ${fileId}.`);
}
