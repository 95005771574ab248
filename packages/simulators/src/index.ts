export * from './apple/apple-device.js';
export * from './apple/scep-client.js';
export * from './windows/windows-device.js';
