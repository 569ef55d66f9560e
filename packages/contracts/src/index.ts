/** The contract between the CityOps server and its browser apps. */
export * from './common.js';
export * from './geometry.js';
export * from './people.js';
export * from './admin-units.js';
export * from './assets.js';
export * from './devices.js';
export * from './events.js';
export * from './alerts.js';
export * from './reports.js';
export * from './dashboards.js';
export * from './cameras.js';
export * from './camera-walls.js';
export * from './camera-live.js';
export * from './citizen-push.js';
