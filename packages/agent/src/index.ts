/** The Steward desktop agent: enrollment, inventory, commands and the local result queue. */
export const AGENT_VERSION = '0.1.0';
