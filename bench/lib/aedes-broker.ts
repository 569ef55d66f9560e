/**
 * Aedes alone in its own process, for the raw broker figure: the same broker
 * library CityOps embeds, with no authentication, no CityOps hooks and the
 * default in-memory persistence, on a loopback port.
 *
 * Commands: `listen` (answers `listening` with the port), `stats`, `exit`.
 */
import net from 'node:net';
import { Aedes } from 'aedes';
import { cpuSeconds, onCommands, tell } from './child.js';

let server: net.Server | undefined;
let broker: Aedes | undefined;

onCommands({
  async listen() {
    broker = await Aedes.createBroker();
    const b = broker;
    server = net.createServer((socket) => {
      socket.setNoDelay(true);
      b.handle(socket);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    tell({ type: 'listening', port: (server.address() as net.AddressInfo).port });
  },
  stats() {
    tell({ type: 'stats', cpuSeconds: cpuSeconds(), at: Date.now() });
  },
  async exit() {
    await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
    server?.close();
  },
});
