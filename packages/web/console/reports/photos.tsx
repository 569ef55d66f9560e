/**
 * Photos of a report for staff: fetched with the session's token (an <img>
 * cannot send it), thumbnails that open the full photo in a dialog.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReportPhoto } from '@cityops/contracts';
import { useT } from '../i18n';
import { reportsApi } from './api';

function useBlobUrl(url: string | null): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    const ctl = new AbortController();
    let objectUrl: string | null = null;
    reportsApi.photo(url, ctl.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      },
      () => undefined,
    );
    return () => {
      ctl.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setSrc(null);
    };
  }, [url]);
  return src;
}

function Thumb(props: { photo: ReportPhoto; label: string; onOpen: () => void }) {
  const src = useBlobUrl(props.photo.thumbUrl);
  return (
    <button
      type="button"
      className="photo-thumb"
      onClick={props.onOpen}
      aria-label={props.label}
      data-testid="photo-thumb"
    >
      {src ? <img src={src} alt="" /> : <span className="photo-placeholder" />}
    </button>
  );
}

function Enlarged(props: { photo: ReportPhoto; alt: string; onClose: () => void }) {
  const { t } = useT();
  const src = useBlobUrl(props.photo.url);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="photo-dialog"
      onClose={props.onClose}
      onClick={(e) => e.target === dialog.current && dialog.current?.close()}
      data-testid="photo-dialog"
    >
      {src ? <img src={src} alt={props.alt} /> : <span className="photo-placeholder big" />}
      <form method="dialog">
        <button type="submit" className="button">
          {t('state.close')}
        </button>
      </form>
    </dialog>
  );
}

export function PhotoGallery(props: { photos: ReportPhoto[]; title: string }) {
  const { t } = useT();
  const [open, setOpen] = useState<number | null>(null);
  if (props.photos.length === 0) return null;
  const current = open === null ? undefined : props.photos[open];
  return (
    <section className="detail-section">
      <h2>{props.title}</h2>
      <div className="photo-row">
        {props.photos.map((p, i) => (
          <Thumb
            key={p.id}
            photo={p}
            label={t('rep.photoEnlarge', { n: i + 1 })}
            onOpen={() => setOpen(i)}
          />
        ))}
      </div>
      {current && open !== null && (
        <Enlarged
          photo={current}
          alt={t('rep.photo', { n: open + 1 })}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}
