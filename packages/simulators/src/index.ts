export * from './apple/apple-device.js';
export * from './apple/scep-client.js';
