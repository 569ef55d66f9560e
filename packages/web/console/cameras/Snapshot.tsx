/**
 * A camera's snapshot, fetched with the session's token; refreshes on demand or
 * every `everyMs`. Walls ask for the thumbnail, which the server keeps fresh.
 */
import { useEffect, useState } from 'react';
import { ApiError, isAbort } from '../../ui/api';
import { Loading } from '../../ui/components/states';
import { useT } from '../i18n';
import { fetchSnapshot } from './api';

export function Snapshot(props: {
  cameraId: string;
  name: string;
  everyMs?: number;
  nonce?: number;
  size?: 'full' | 'thumb';
}) {
  const { t } = useT();
  const [img, setImg] = useState<{ url: string | null; error: unknown }>({
    url: null,
    error: null,
  });
  useEffect(() => {
    const ctl = new AbortController();
    let url: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await fetchSnapshot(props.cameraId, ctl.signal, props.size);
        if (ctl.signal.aborted) return URL.revokeObjectURL(next);
        if (url) URL.revokeObjectURL(url);
        url = next;
        setImg({ url: next, error: null });
      } catch (error) {
        if (!ctl.signal.aborted && !isAbort(error)) setImg((s) => ({ url: s.url, error }));
      }
      if (props.everyMs && !ctl.signal.aborted)
        timer = setTimeout(() => void load(), props.everyMs);
    };
    setImg({ url: null, error: null });
    void load();
    return () => {
      ctl.abort();
      clearTimeout(timer);
      if (url) URL.revokeObjectURL(url);
    };
  }, [props.cameraId, props.everyMs, props.nonce, props.size]);

  if (img.error && !img.url)
    return (
      <p className="state state-error compact snapshot-error" role="alert">
        {img.error instanceof ApiError && img.error.status === 403
          ? t('cameras.snapshotForbidden')
          : t('cameras.snapshotError')}
      </p>
    );
  if (!img.url) return <Loading />;
  return (
    <img
      className="snapshot"
      src={img.url}
      alt={t('cameras.snapshotAlt', { name: props.name })}
      data-testid="camera-snapshot"
    />
  );
}
