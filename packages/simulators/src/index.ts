export * from './apple/scep-client.js';
