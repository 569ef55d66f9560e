/** Small helpers for tests of video: waiting, whether a process lives, a file's codec. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Waits until the condition holds, polling; throws after `ms`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  ms: number,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not met within ${ms} ms`);
}

/** Whether a process with this id runs (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}

/** The video codec of a media file, as ffprobe names it. */
export async function codecOf(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=codec_name', '-of', 'default=nw=1:nk=1', file],
  ]);
  return stdout.trim().split('\n')[0]!;
}

/** Process ids of running ffmpeg processes whose command line contains `text`. */
export async function ffmpegsWith(text: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && !m[2]!.startsWith('Z'))
    .filter((m) => /^(\S*\/)?ffmpeg\s/.test(m[3]!) && m[3]!.includes(text))
    .map((m) => Number(m[1]));
}
