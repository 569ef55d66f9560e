/**
 * Camera makes and models of the demo, their usual stream paths, fields of
 * view, and stream addresses on the documentation-only networks of RFC 5737
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), which route nowhere.
 */
import type { Rng } from './random.js';

export type Purpose = 'security' | 'traffic' | 'environment';
type Form = 'dome' | 'bullet' | 'ptz' | 'anpr';
/** Dahua and its OEM KBVision share the URL layout. */
type Family = 'hikvision' | 'dahua';

export interface CameraModel {
  vendor: string;
  model: string;
  form: Form;
  family: Family;
}

const m = (vendor: string, model: string, form: Form, family: Family): CameraModel => ({
  vendor,
  model,
  form,
  family,
});

const MODELS: Record<Purpose, CameraModel[]> = {
  security: [
    m('Hikvision', 'DS-2CD2143G2-IU', 'dome', 'hikvision'),
    m('Hikvision', 'DS-2CD2T47G2-L', 'bullet', 'hikvision'),
    m('Dahua', 'IPC-HDW2431T-AS-S2', 'dome', 'dahua'),
    m('Dahua', 'IPC-HFW2431S-S-S2', 'bullet', 'dahua'),
    m('KBVision', 'KX-C4012SN3', 'bullet', 'dahua'),
    m('KBVision', 'KX-C2012SN3', 'dome', 'dahua'),
  ],
  traffic: [
    m('Hikvision', 'DS-2CD2T47G2-L', 'bullet', 'hikvision'),
    m('Hikvision', 'DS-2DE4425IW-DE', 'ptz', 'hikvision'),
    m('Dahua', 'SD49425XB-HNR', 'ptz', 'dahua'),
    m('Dahua', 'IPC-HFW3441T-ZAS', 'bullet', 'dahua'),
  ],
  environment: [
    m('Hikvision', 'DS-2DE4425IW-DE', 'ptz', 'hikvision'),
    m('Dahua', 'SD49425XB-HNR', 'ptz', 'dahua'),
    m('KBVision', 'KX-C4012SN3', 'bullet', 'dahua'),
  ],
};

export const ANPR_MODELS: readonly CameraModel[] = [
  m('Hikvision', 'iDS-TCM403-GIR', 'anpr', 'hikvision'),
  m('Dahua', 'ITC413-PW4D-IZ1', 'anpr', 'dahua'),
];

export function cameraModel(rng: Rng, purpose: Purpose): CameraModel {
  return rng.pick(MODELS[purpose]);
}

const NETWORKS = ['198.51.100', '203.0.113', '192.0.2'] as const;

/** The n-th documentation address (0-based), skipping .0, .1 and .255. */
export function documentationHost(n: number): string {
  const perNetwork = 253;
  const net = NETWORKS[Math.floor(n / perNetwork) % NETWORKS.length]!;
  return `${net}.${(n % perNetwork) + 2}`;
}

export function cameraNetwork(
  model: CameraModel,
  n: number,
): { streamUrl: string; subStreamUrl: string; snapshotUrl: string; onvifUrl: string } {
  const host = documentationHost(n);
  const onvifUrl = `http://${host}/onvif/device_service`;
  switch (model.family) {
    case 'hikvision':
      return {
        streamUrl: `rtsp://${host}:554/Streaming/Channels/101`,
        subStreamUrl: `rtsp://${host}:554/Streaming/Channels/102`,
        snapshotUrl: `http://${host}/ISAPI/Streaming/channels/101/picture`,
        onvifUrl,
      };
    case 'dahua':
      return {
        streamUrl: `rtsp://${host}:554/cam/realmonitor?channel=1&subtype=0`,
        subStreamUrl: `rtsp://${host}:554/cam/realmonitor?channel=1&subtype=1`,
        snapshotUrl: `http://${host}/cgi-bin/snapshot.cgi?channel=1`,
        onvifUrl,
      };
  }
}

export function fovFor(
  model: CameraModel,
  bearing: number,
): { bearing: number; angle: number; range: number } {
  switch (model.form) {
    case 'dome':
      return { bearing, angle: 100, range: 30 };
    case 'bullet':
      return { bearing, angle: 85, range: 60 };
    case 'ptz':
      return { bearing, angle: 60, range: 150 };
    case 'anpr':
      return { bearing, angle: 30, range: 40 };
  }
}

const COMPASS = ['Bắc', 'Đông Bắc', 'Đông', 'Đông Nam', 'Nam', 'Tây Nam', 'Tây', 'Tây Bắc'];

/** The Vietnamese compass point of a bearing in degrees. */
export function compassVi(bearing: number): string {
  return COMPASS[Math.round((((bearing % 360) + 360) % 360) / 45) % 8]!;
}
