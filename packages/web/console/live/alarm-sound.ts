/**
 * The alarm's sound: a two-tone beep made with WebAudio (nothing to
 * download), muted by a setting kept in localStorage. Browsers let a page
 * play sound only after the user has interacted with it, so the audio
 * context is created (or resumed) on the first click or key press.
 */
import { useSyncExternalStore } from 'react';

const MUTE_KEY = 'cityops.sound.muted';

let context: AudioContext | null = null;
let muted = readMuted();
const listeners = new Set<() => void>();

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

function unlock(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
  } catch {
    // No WebAudio here: the banner still shows.
  }
}

let armed = false;
/** Prepares the sound on the first user gesture (browsers refuse audio before one). */
export function armAlarmSound(): void {
  if (armed) return;
  armed = true;
  const once = () => {
    unlock();
    window.removeEventListener('pointerdown', once);
    window.removeEventListener('keydown', once);
  };
  window.addEventListener('pointerdown', once);
  window.addEventListener('keydown', once);
}

/** Whether the sound can actually play now (false until the user has interacted with the page). */
export function soundReady(): boolean {
  return context?.state === 'running';
}

/** Plays the alarm beep unless muted. */
export function playAlarm(): void {
  if (muted || !context || context.state !== 'running') return;
  const t0 = context.currentTime;
  const gain = context.createGain();
  gain.connect(context.destination);
  gain.gain.setValueAtTime(0.0001, t0);
  for (const [i, freq] of [880, 660, 880].entries()) {
    const osc = context.createOscillator();
    osc.type = 'square';
    osc.frequency.value = freq;
    osc.connect(gain);
    const start = t0 + i * 0.22;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
    osc.start(start);
    osc.stop(start + 0.21);
    osc.onended = () => osc.disconnect();
  }
  window.setTimeout(() => gain.disconnect(), 1000);
}

export function setMuted(value: boolean): void {
  muted = value;
  try {
    localStorage.setItem(MUTE_KEY, value ? '1' : '0');
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
  if (!value) unlock();
  for (const l of listeners) l();
}

export function useMuted(): boolean {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => muted,
  );
}
