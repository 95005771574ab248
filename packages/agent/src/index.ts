/** The Steward desktop agent: enrollment, inventory, commands and the local result queue. */
export { AGENT_VERSION, Agent, type AgentOptions, agentFromState, enroll, enrollmentTrust, MemoryResultStore, newKeyAndCsr, saveEnrollment } from './agent.js';
export { evaluateChecks, compareVersions } from './checks.js';
export { HttpClient, HttpError } from './http-client.js';
export { MachineInventory, type InventorySource, changedSections, hashes, sectionHash } from './inventory.js';
export type * from './protocol.js';
export { ResultQueue, backoffMs } from './result-queue.js';
export { simulate, VirtualInventory, type Simulation, type SimulationOptions } from './simulate.js';
export { StateDir } from './state.js';
export { OsActions, RecordingActions, type SystemActions } from './system-actions.js';
export { main } from './main.js';
