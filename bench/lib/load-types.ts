/** What the parent and the benchmark child processes say to each other. */

export interface LoadDevice {
  topic: string;
  /** Sign-in on the embedded broker (device id and key); none on an anonymous broker. */
  username?: string;
  password?: string;
}

export interface LoadConfig {
  url: string;
  /** One connection per device. */
  devices: LoadDevice[];
  /** Publishes sent and not yet acknowledged, at most, per connection. */
  window: number;
  /** Total messages per second; absent: as fast as the acknowledgements allow. */
  rate?: number;
  qos: 0 | 1;
  protocolVersion?: 4 | 5;
  /** One message in this many has a hot temperature (45.5); 0: none. */
  spikeEvery: number;
}

export interface LoadStats {
  type: 'stats' | 'stopped';
  sent: number;
  acked: number;
  errors: number;
  closes: number;
  inFlight: number;
  cpuSeconds: number;
  at: number;
}

export interface SubConfig {
  url: string;
  filter: string;
  qos: 0 | 1;
  protocolVersion?: 4 | 5;
}

export interface SubStats {
  type: 'stats';
  received: number;
  cpuSeconds: number;
  at: number;
}

export interface SseConfig {
  /** The stream URL with its query (filters). */
  url: string;
  token: string;
  clients: number;
  /** Parse each event and take now − data.sentAt as a latency sample. */
  latency: boolean;
}

export interface SseReport {
  type: 'report';
  /** Clients whose stream is open. */
  open: number;
  /** Clients that got fewer events since the mark than the report asked about. */
  behind: number;
  /** Events per client since the mark: smallest and largest. */
  minEvents: number;
  maxEvents: number;
  totalEvents: number;
  /** Frames whose id was not above the one before (per client). */
  outOfOrder: number;
  latency?: { n: number; p50: number; p99: number; max: number };
  cpuSeconds: number;
  lastIds: { min: number; max: number };
}
