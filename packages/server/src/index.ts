export { ALL_ROLES, type Config, type ConfigInput, ConfigError, ENV_NAMES, loadConfig, withEnvironment } from './config/config.js';
export { type Context, createContext } from './context.js';
export { buildApp, routeTable } from './api/app.js';
export { startServer, type RunningServer } from './server.js';
export { type Database, migrate, openDatabase } from './db/database.js';
export { ROLES, PERMISSIONS, type RoleName, isRole, can } from './core/permissions.js';
export { StewardError, ERRORS } from './core/errors.js';
export { PLATFORMS, type Platform } from './core/devices/device-model.js';
