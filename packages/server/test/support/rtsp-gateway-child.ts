/**
 * A process that runs the ffmpeg live gateway on one camera, for the test that
 * kills it hard and checks that its ffmpeg does not outlive it.
 * Arguments: the camera's RTSP URL and the gateway's folder. Prints "ready"
 * once the stream plays, then waits to be killed; SIGTERM closes it cleanly.
 */
import { createLogger } from '../../src/core/logger.js';
import { FfmpegGateway } from '../../src/cameras/live/ffmpeg.gateway.js';

const [url, baseDir] = process.argv.slice(2);
const gw = new FfmpegGateway({
  ffmpegPath: 'ffmpeg',
  baseDir: baseDir!,
  maxStreams: 1,
  idleMs: 1000,
  startMs: 20_000,
  log: createLogger('silent'),
});
process.on('SIGTERM', () => {
  void gw.close().then(() => process.exit(0));
});
await gw.acquire({ cameraId: 'child-cam', url: url! });
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
